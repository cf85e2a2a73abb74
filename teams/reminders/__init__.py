"""Reminders of scheduled tasks: recurrence, the daily scan, digests, the bell and the feed.

``recurrence`` turns a schedule into due dates; ``scan`` records occurrences
and reminders and sends the digests; ``sources`` lists what people are told;
``feed`` builds the personal calendar.
"""
