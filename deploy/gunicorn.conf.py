"""Gunicorn settings for Trato in production and in benchmarks.

    gunicorn -c deploy/gunicorn.conf.py

Each value can be changed from the environment, so that a systemd unit or a
container adjusts it without editing this file:

    TRATO_WEB_BIND            address to listen on (default 127.0.0.1:8000, behind nginx)
    TRATO_WEB_WORKERS         worker processes (default 2 x cores + 1)
    TRATO_WEB_THREADS         threads per worker (default 4)
    TRATO_WEB_TIMEOUT         seconds before a silent worker is restarted (default 60)
    TRATO_WEB_FORWARDED_IPS   proxies whose X-Forwarded-* headers are trusted (default 127.0.0.1)

Trato's own settings (database, secret key, ...) are the TRATO_* variables of
docs/configuration.md.
"""
import multiprocessing
import os

wsgi_app = "trato.wsgi:app"
bind = os.environ.get("TRATO_WEB_BIND", "127.0.0.1:8000")

# Threads serve requests that wait on the database while the GIL is free;
# several processes use every core.
worker_class = "gthread"
workers = int(os.environ.get("TRATO_WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("TRATO_WEB_THREADS", 4))
timeout = int(os.environ.get("TRATO_WEB_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5

# The app is built once, in the arbiter, before the workers fork: a worker
# starts in milliseconds instead of building the app again (entity registry,
# plugins, catalogues: about two seconds of CPU each, all at once on a
# restart), and the workers share those memory pages. Building the app opens
# no job-queue connection; the database connections it used are dropped in
# each worker below (without closing the arbiter's), so that no connection is
# ever shared between processes. Because the code is loaded once, SIGHUP
# restarts the workers on the same code: restart the service after upgrading
# Trato or a plugin.
preload_app = True


def post_fork(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    from trato.wsgi import app

    app.extensions["trato"].engine.dispose(close=False)

# No control socket in the service user's home (gunicorn 27 opens one by
# default): restart the workers with SIGHUP, add or remove workers with
# SIGTTIN / SIGTTOU.
control_socket_disable = True

# nginx on the same machine tells the client's scheme (X-Forwarded-Proto), so
# that Trato builds https:// links and secure cookies behind it.
forwarded_allow_ips = os.environ.get("TRATO_WEB_FORWARDED_IPS", "127.0.0.1")

# Access log on stdout (journald or the container log). The request id is the
# one Trato logs its own lines with, and nginx's when nginx sent X-Request-ID.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms '
    'rid=%({x-request-id}o)s "%(f)s" "%(a)s"'
)
