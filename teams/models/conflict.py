"""The answer to a save built on a page that someone else has changed since."""


class Conflict(Exception):
    """Someone else changed the task, assignment or person after the user loaded it.

    Raised by the services that check a state token under a lock (assigning, a person's
    details) and shown by their pages as a message with the current values.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
