class BaseSmsBackend:
    """What every SMS back-end offers: ``send_messages`` and, like a mail connection, open/close."""

    def __init__(self, fail_silently: bool = False, **kwargs):
        self.fail_silently = fail_silently

    def open(self):
        return None

    def close(self):
        return None

    def send_messages(self, messages) -> int:
        raise NotImplementedError
