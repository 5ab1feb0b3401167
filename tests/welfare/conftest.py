import pytest

from tests.welfare import factories, files


@pytest.fixture
def hardship_scheme(db):
    """Hardship aid: standard ¥2000, at most ¥5000 a year per member, the chair decides above ¥3000."""
    return factories.scheme("hardship", standard="2000", cap="5000", threshold="3000")


@pytest.fixture
def normal_request(worker, hardship_scheme):
    return factories.submit(worker, "hardship", files=[files.pdf("收入证明.pdf")])


@pytest.fixture
def confidential_request(worker, hardship_scheme):
    return factories.submit(
        worker, "discrimination", sensitivity="confidential", description="班长骚扰我。", files=[files.png("截图.png")]
    )
