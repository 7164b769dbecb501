"""The app shell's menus as the server writes them: the side menu by area, custom entities in their own area,
the "+ New" menu with only what the user's role may create, the colour scheme of the theme."""
from __future__ import annotations

import re


def _side_menu(page: str) -> str:
    return page.split('aria-label="Main menu"', 1)[1].split("</nav>", 1)[0]


def _new_menu(page: str) -> list[str]:
    if ">New<" not in page:
        return []
    menu = page.split(">New<", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a class="dropdown-item" href="[^"]+"[^>]*>([^<]+)</a>', menu)


def test_custom_entities_have_their_own_area_and_tools_come_last(vehicle_app, client_as):
    menu = _side_menu(client_as("admin", app=vehicle_app).get("/").get_data(as_text=True))
    areas = re.findall(r'data-bs-target="#([\w-]+)"[^>]*>\s*<span>([^<]+)</span>', menu)
    assert [label for _key, label in areas] == ["More records", "Tools"]
    more = menu.split('id="nav-more-records"', 1)[1].split("</ul>", 1)[0]
    assert 'href="/r/x_vehicle/"' in more and '<i class="ti ti-database"' in more
    assert menu.index(">Home<") < menu.index("More records") and "Administration" in menu.split("Tools", 1)[1]


def test_new_menu_lists_what_the_role_may_create(vehicle_app, client_as):
    assert _new_menu(client_as("admin", app=vehicle_app).get("/").get_data(as_text=True)) == [
        "Account", "Deal", "Vehicle"]
    assert _new_menu(client_as("read_only", app=vehicle_app).get("/").get_data(as_text=True)) == []


def test_the_menus_speak_spanish(vehicle_app, client_as, make_user):
    user = make_user(admin=True, app=vehicle_app, locale="es")
    page = client_as(user, app=vehicle_app).get("/").get_data(as_text=True)
    assert 'aria-label="Menú principal"' in page and "<span>Más registros</span>" in page
    assert ">Vehículo</a>" in page and 'data-bs-theme="light"' in page
