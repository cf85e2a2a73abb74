"""The teams URLs use the glossary's words: a school group is never just a "group" (that word
means one of the groups tasks fall into)."""

from django.urls import reverse

from teams import urls


def test_school_group_pages_say_school_group_in_their_names_and_addresses():
    named = [(p.name or "", str(p.pattern)) for p in urls.urlpatterns]
    about_groups = [(name, route) for name, route in named if "group" in name + route]
    assert len(about_groups) == 5
    for name, route in about_groups:
        assert name.startswith("school_group"), name
        assert route.startswith("school-groups/"), route
    assert reverse("teams:school_group", args=[7]) == "/schools/school-groups/7/"
