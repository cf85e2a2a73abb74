"""English dates with the day first and the month as a word ("7 Dec 2026").

The month as a word keeps a date unambiguous for readers used to either order of
day and month; a 24-hour clock keeps "a.m."/"p.m." from ending a sentence in
two full stops.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
