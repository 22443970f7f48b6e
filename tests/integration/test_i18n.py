"""Chinese first, English too: chosen from the browser, switchable, remembered."""


def test_chinese_by_default_and_for_chinese_browsers(client):
    assert "加入" in client.get("/join").get_data(as_text=True)
    page = client.get("/join", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "加入" in page.get_data(as_text=True)


def test_english_browser_gets_english_and_the_choice_is_remembered(client):
    page = client.get("/join", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Join a contest" in page.get_data(as_text=True)
    client.get("/join?lang=zh_CN")                     # the switch sets a cookie
    page = client.get("/join", headers={"Accept-Language": "en-US"})
    assert "Join a contest" not in page.get_data(as_text=True)


def test_bank_pages_are_translated_too(organizer_client):
    page = organizer_client.get("/bank/?lang=zh_CN").get_data(as_text=True)
    english = organizer_client.get("/bank/?lang=en").get_data(as_text=True)
    assert page != english and "题库" in page
