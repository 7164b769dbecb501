from trato import hookimpl

HEARD: list[str] = []


@hookimpl(optionalhook=True)
def greeting_sent(text):
    """Implements a hook that the greet plugin publishes."""
    HEARD.append(text)
