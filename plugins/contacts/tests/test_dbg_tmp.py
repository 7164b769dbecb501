import re, io
from test_vcard import PHONE_EXPORT, upload
def test_dbg(contacts_app, client_as, make_user):
    admin = make_user(admin=True)
    r = upload(client_as(admin), PHONE_EXPORT)
    print(re.findall(r'<li>[^<]*</li>|flash-error[^<]*', r.text))
