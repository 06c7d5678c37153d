#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# A registrar for tools/deb-systemd.sh's container, where only
# python3-minimal is installed: UDP on ADDR:PORT, every REGISTER answered
# 200 OK without a challenge (the Contact echoed with the Expires asked
# for), one line per REGISTER in LOG: "USER EXPIRES".  Anything else is
# answered 405.
#   python3 registrar.py ADDR PORT LOG
import socket
import sys


def header(lines, *names):
    for line in lines:
        name, _, value = line.partition(":")
        if name.strip().lower() in names:
            return value.strip()
    return None


def answer(req):
    head = req.split("\r\n\r\n", 1)[0].split("\r\n")
    method = head[0].split(" ", 1)[0]
    copied = [h for h in head[1:]
              if h.partition(":")[0].strip().lower() in
              ("via", "v", "from", "f", "call-id", "i", "cseq")]
    to = header(head, "to", "t") or ""
    if ";tag=" not in to:
        to += ";tag=gwci"
    if method != "REGISTER":
        return method, None, None, "SIP/2.0 405 Method Not Allowed\r\n" + \
            "\r\n".join(copied) + "\r\nTo: " + to + \
            "\r\nAllow: REGISTER\r\nContent-Length: 0\r\n\r\n"
    expires = header(head, "expires")
    contact = header(head, "contact", "m") or ""
    if "expires=" in contact:
        expires = contact.split("expires=", 1)[1].split(";")[0].strip()
    expires = expires if expires is not None else "3600"
    user = to.split("sip:", 1)[-1].split("@", 1)[0]
    lines = ["SIP/2.0 200 OK"] + copied + ["To: " + to]
    if contact and contact != "*":
        lines.append("Contact: " + contact.split(";expires=")[0] +
                     ";expires=" + expires)
    lines += ["Expires: " + expires, "Content-Length: 0", "", ""]
    return method, user, expires, "\r\n".join(lines)


def main():
    addr, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    with open(log, "a", buffering=1) as out:
        while True:
            data, peer = s.recvfrom(65535)
            try:
                method, user, expires, resp = answer(
                    data.decode("utf-8", "replace"))
            except (IndexError, ValueError):
                continue
            if user is not None:
                out.write("%s %s\n" % (user, expires))
            s.sendto(resp.encode(), peer)


if __name__ == "__main__":
    main()
