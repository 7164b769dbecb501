"""The plugin's hook implementations: one of each hook the core calls."""
import click
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from trato import Fragment, NavItem, crontab, hookimpl, session
from trato.access import Permission

from .models import Greeting, Tick
from .views import bp

EVENTS: list[tuple[str, str]] = []


def tick(ctx):
    ctx.session.add(Tick())
    ctx.session.commit()


def count_greetings(ctx, upto: int = 3):
    for n in range(1, upto + 1):
        ctx.progress(n, upto, f"step {n}")
    return ctx.session.scalar(select(func.count()).select_from(Greeting))


@hookimpl
def blueprints():
    return [bp]


@hookimpl
def navigation(user):
    return [NavItem("greet.index", _l("Greetings"), priority=50)]


@hookimpl
def dashboard_widgets(user):
    count = session().scalar(select(func.count()).select_from(Greeting))
    return [Fragment(_l("Greetings"), "greet/widget.html", {"count": count})]


@hookimpl
def detail_panels(entity, record, user):
    if entity != "user":
        return []
    return [Fragment(_l("Greetings sent"), "greet/panel.html", {"who": record})]


@hookimpl
def register_tasks(tasks):
    tasks.periodic("tick", tick, crontab(minute="*"))
    tasks.task("count", count_greetings)


@click.command("hello")
@click.option("--name", default="world")
def hello(name):
    click.echo(f"hello {name}")


@hookimpl
def cli_commands():
    return [hello]


@hookimpl
def demo_data(session, locale):
    session.add(Greeting(text="¡Hola!" if locale == "es" else "Hello!"))


@hookimpl
def plugin_enabled(name):
    EVENTS.append(("enabled", name))


@hookimpl
def plugin_disabled(name):
    EVENTS.append(("disabled", name))


@hookimpl
def permissions():
    return [Permission("greet_moderate", _l("Moderate greetings"), _l("Hide other people's greetings."))]
