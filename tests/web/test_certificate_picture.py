"""A certificate picture to share (朋友圈) next to the PDF, and the Open Badges file explained in one sentence."""

import io

from PIL import Image

from lms.certificates.textlayout import find_cjk_font_file
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import graduate  # noqa: F401 - fixture


def test_the_holder_gets_a_portrait_picture_without_the_id_number(app, graduate, make_user):  # noqa: F811
    assert find_cjk_font_file() is not None, "CI installs fonts-wqy-microhei"
    _user_id, number = graduate
    web = Browserish(app.test_client(), language="zh-CN")
    web.login("host@example.com", PASSWORD)
    page = web.get("/certificates/").get_data(as_text=True)
    assert f'href="/certificates/{number}.png"' in page and "分享图片" in page
    assert "任何 Open Badges 核验工具" in page
    r = web.get(f"/certificates/{number}.png")
    assert r.status_code == 200 and r.mimetype == "image/png"
    picture = Image.open(io.BytesIO(r.data))
    assert picture.size == (1080, 1440)
    # Not blank: the red frame and dark text are drawn.
    colours = {colour for _count, colour in picture.convert("RGB").getcolors(1_000_000)}
    assert (178, 34, 34) in colours and len(colours) > 50
    make_user("other@example.com")
    other = Browserish(app.test_client())
    other.login("other@example.com", PASSWORD)
    assert other.get(f"/certificates/{number}.png").status_code == 404
