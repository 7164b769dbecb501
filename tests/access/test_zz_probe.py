import re
from .conftest import form_data, FormReader

def test_probe(build_world):
    w = build_world("sales_rep")
    c = w.html()
    rid = w.ids["trade_account"]["mine"]
    form = c.get(f"/r/trade_account/{rid}/edit").text
    data = form_data(form, f"/r/trade_account/{rid}/edit", name="x")
    print(list(data.items(multi=True)))
    r = c.post(f"/r/trade_account/{rid}/edit", data=data)
    print(re.findall(r'field-error[^>]*>([^<]*)', r.text), re.findall(r'flash[^>]*>([^<]*)', r.text))
    blank = c.get("/r/trade_deal/new").text
    r = c.post("/r/trade_deal/new", data=form_data(blank, "/r/trade_deal/new", name="n"))
    print(list(form_data(blank, "/r/trade_deal/new", name="n").items(multi=True)))
    print(re.findall(r'field-error[^>]*>([^<]*)', r.text))
    assert 0
