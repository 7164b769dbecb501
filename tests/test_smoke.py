def test_login_page_and_dashboard(app, client_as):
    anon = app.test_client()
    assert anon.get("/").status_code == 302
    page = anon.get("/login")
    assert b"Sign in to Trato" in page.data
    admin = client_as("admin")
    home = admin.get("/")
    assert b"Getting started" in home.data


def test_greet_plugin_page(greet_app, client_as):
    client = client_as("admin")
    assert b"Greetings" in client.get("/greet/").data
