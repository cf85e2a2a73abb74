"""English date formats without "a.m."/"p.m.": a sentence ending in a time got two full stops."""

DATETIME_FORMAT = "N j, Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATETIME_FORMAT = "m/d/Y H:i"
