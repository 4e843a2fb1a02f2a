import email
import email.policy
import socketserver
import threading

import pytest

from participate.core.mail import Message, SmtpMailer


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept one message, so the real smtplib client path is exercised."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        data_mode, lines = False, []
        for raw in self.rfile:
            line = raw.decode().rstrip("\r\n")
            if data_mode:
                if line == ".":
                    self.server.messages.append(b"\r\n".join(lines))
                    data_mode = False
                    self.wfile.write(b"250 queued\r\n")
                else:
                    lines.append(raw.rstrip(b"\r\n"))
                continue
            verb = line.split(" ")[0].upper()
            if verb in {"EHLO", "HELO"}:
                self.wfile.write(b"250 test\r\n")
            elif verb == "DATA":
                data_mode = True
                self.wfile.write(b"354 go ahead\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_smtp_mailer_sends_a_real_message(make_app, smtp_server):
    app = make_app(
        MAIL_BACKEND="smtp",
        MAIL_PORT=smtp_server.server_address[1],
        MAIL_SERVER="127.0.0.1",
        MAIL_DEFAULT_SENDER="Council <council@example.org>",
    )
    mailer = app.extensions["mailer"]
    assert isinstance(mailer, SmtpMailer)
    mailer.send(Message(to="resident@example.org", subject="Hej då", body="Välkommen!"))
    (sent,) = smtp_server.messages
    parsed = email.message_from_bytes(sent, policy=email.policy.default)
    assert parsed["To"] == "resident@example.org" and parsed["From"] == "Council <council@example.org>"
    assert parsed["Subject"] == "Hej då" and b"=?utf-8?" in sent  # encoded on the wire, intact when read
    assert parsed.get_content().strip() == "Välkommen!"


def test_unknown_mail_backend_is_refused(make_app):
    with pytest.raises(RuntimeError, match="MAIL_BACKEND"):
        make_app(MAIL_BACKEND="pigeon")


def test_a_subject_with_a_line_break_is_sent_on_one_line(make_app, smtp_server):
    """A proposal titled before titles refused line breaks must not make its notification unsendable."""
    from participate.core.after_commit import commit
    from participate.core.mail import send_email

    make_app(MAIL_BACKEND="smtp", MAIL_PORT=smtp_server.server_address[1], MAIL_SERVER="127.0.0.1")
    send_email(
        "resident@example.org", "New comment on: Benches\r\nBcc: all@example.org\u2028 by the lake", "Hej"
    )
    commit()
    (sent,) = smtp_server.messages
    parsed = email.message_from_bytes(sent, policy=email.policy.default)
    assert parsed["Subject"] == "New comment on: Benches Bcc: all@example.org by the lake"
    assert parsed["Bcc"] is None
