from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from trato import session

from .models import Greeting

bp = Blueprint("greet", __name__, url_prefix="/greet", template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    if request.method == "POST":
        text = request.form.get("text", "").strip()[:200]
        if text:
            session().add(Greeting(text=text))
            session().commit()
            current_app.extensions["trato"].plugins.hook.greeting_sent(text=text)
        return redirect(url_for("greet.index"))
    greetings = session().scalars(select(Greeting).order_by(Greeting.id)).all()
    return render_template("greet/index.html", greetings=greetings)
