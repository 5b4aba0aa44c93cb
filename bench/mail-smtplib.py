"""The Python side of bench/mail-flush.sh: reads the queued messages from an authctl
database, renders each as authctl does (From, To, Subject, Date, Message-ID, MIME-Version,
text/plain; charset=utf-8, the body as it is (7bit) since its lines fit in 998 octets,
Auto-Submitted) and sends them all with smtplib over one connection (smtplib does not
pipeline).

Usage: /usr/bin/python3 bench/mail-smtplib.py DB PORT SENDER
"""

import email.charset
import email.policy
import email.utils
import smtplib
import sqlite3
import sys
from email.mime.text import MIMEText

db, port, sender = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = sqlite3.connect(db).execute(
    "SELECT recipient, subject, body, message_id FROM outbox WHERE status = 'queued' ORDER BY id"
).fetchall()
plain = email.charset.Charset("utf-8")
plain.body_encoding = None  # 7bit for ASCII (email.encoders.encode_7or8bit), as authctl
crlf = email.policy.compat32.clone(linesep="\r\n")  # smtplib sends bytes as they are
sent = 0
with smtplib.SMTP("127.0.0.1", port, local_hostname="localhost") as s:
    for to, subject, body, message_id in rows:
        m = MIMEText(body, "plain", plain)
        m["From"] = sender
        m["To"] = to
        m["Subject"] = subject
        m["Date"] = email.utils.formatdate(usegmt=False)
        m["Message-ID"] = "<%s>" % message_id
        m["Auto-Submitted"] = "auto-generated"
        s.sendmail(sender, [to], m.as_bytes(policy=crlf))
        sent += 1
print("sent %d" % sent)
if sent != len(rows):
    sys.exit(1)
