#!/usr/bin/env python3
"""A stand-in for systemd's notification socket (sd_notify(3)): binds the
unix datagram socket given as argv[1] and appends each message to argv[2]
as one line, its assignments joined by '|'.  Runs until killed."""
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(out + ".ready", "w").close()
while True:
    msg = s.recv(4096).decode("utf-8", "replace")
    with open(out, "a") as f:
        f.write("|".join(msg.strip().split("\n")) + "\n")
