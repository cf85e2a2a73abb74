"""Put the project's shared folders into the wheel, inside the ``ictteam`` package.

templates/, static/, locale/ and fixtures/ sit at the top of the checkout. An installed
package has no checkout, so the wheel carries a copy of each as ``ictteam/content/<folder>/``
and the settings read them there (``CONTENT_DIR``). Everything else is in pyproject.toml.
"""

from setuptools import find_namespace_packages, find_packages, setup

CONTENT = ("templates", "static", "locale", "fixtures")

# Each folder, and each folder in it, is a package of data files only.
content = {
    f"ictteam.content.{folder}{'.' + inner if inner else ''}"
    for folder in CONTENT
    for inner in ["", *find_namespace_packages(where=folder)]
}

setup(
    packages=[*find_packages(include=["ictteam*", "tasks*", "teams*", "guidelines*"]), *content],
    package_dir={f"ictteam.content.{folder}": folder for folder in CONTENT},
    package_data={package: ["*"] for package in content},
)
