"""Dutch short dates with the month as a word ("7 dec 2026"), like the English ones."""

SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y H:i"
