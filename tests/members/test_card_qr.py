import re

from django.urls import reverse

from members import services


def _qr(client) -> str:
    page = client.get(reverse("members:card")).content.decode()
    return re.search(r"<svg.*?</svg>", page, re.S).group(0)


def test_the_card_shows_the_same_code_until_it_is_renewed(client, worker):
    client.force_login(worker.user)
    first = _qr(client)
    assert _qr(client) == first
    services.member_card_renew(member=worker)
    renewed = _qr(client)
    assert renewed != first
    # The code drawn is that of the current card.
    assert renewed == _qr(client)
