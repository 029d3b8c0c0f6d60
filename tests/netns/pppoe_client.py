#!/usr/bin/env python3
"""pppoe_client.py - a raw PPPoE discovery client (RFC 2516) for acd's tests.

Python 3 standard library only: an AF_PACKET socket on one interface, frames
built and parsed with struct, from any source MAC the test chooses (the
veth it sends on need not own it).  Root, in the client's namespace.

  padi     IF MAC [tags]            a PADI; the first PADO to MAC as JSON
  padr     IF MAC AC COOKIE [tags]  a PADR with COOKIE (hex); the PADS as JSON
  session  IF MAC [tags] [how]      PADI, PADO, PADR, PADS in one go:
                                    {"pado": ..., "pads": [...]}
  burst    IF MAC N [tags]          N clients (MAC, MAC + 1, ...) at once, each
                                    sending a PADT as soon as its PADS comes:
                                    {"sessions": [[MAC, SID]...], "missing": [...]}
  padt     IF MAC AC SID            a PADT
  listen   IF MAC SECONDS           frames to MAC, one JSON line each
  flood    IF SECONDS RATE          PADIs from random MACs
  bad      IF MAC KIND...           malformed frames (see BAD), then the
                                    replies to MAC within --wait, JSON lines

tags: --host-uniq HEX, --relay HEX, --service NAME (default: blank; --no-service
for none), --max-payload N.  A frame prints as
  {"code": "PADO", "src": MAC, "dst": MAC, "sid": N, "tags": [[type, hex]...],
   "ac_name": ..., "services": [...], "cookie": hex, "host_uniq": hex,
   "relay": hex, "max_payload": N, "service_name_error": text, ...}
(a tag's key only when the frame has it).

Exit status: 0 the answer came; 1 no PADO; 2 a PADO but no PADS (session,
padr); 3 a usage or socket error.
"""
import argparse
import json
import os
import select
import socket
import struct
import sys
import time

ETH_P_PPP_DISC = 0x8863
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_IGNORE_OUTGOING = 23

PADI, PADO, PADR, PADS, PADT = 0x09, 0x07, 0x19, 0x65, 0xA7
CODES = {PADI: "PADI", PADO: "PADO", PADR: "PADR", PADS: "PADS", PADT: "PADT"}

T_END, T_SERVICE, T_AC_NAME, T_HOST_UNIQ, T_COOKIE = 0x0000, 0x0101, 0x0102, 0x0103, 0x0104
T_RELAY, T_MAX_PAYLOAD = 0x0110, 0x0120
T_SERVICE_ERR, T_SYSTEM_ERR, T_GENERIC_ERR = 0x0201, 0x0202, 0x0203

BROADCAST = b"\xff" * 6


def mac_bytes(s):
    b = bytes(int(x, 16) for x in s.split(":"))
    if len(b) != 6:
        raise ValueError(f"not a MAC: {s}")
    return b


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def tag(t, v=b""):
    return struct.pack("!HH", t, len(v)) + v


def frame(dst, src, code, sid, payload, vertype=0x11, length=None):
    """An Ethernet frame of PPPoE discovery; length: the header's length
    field if not the payload's."""
    n = len(payload) if length is None else length
    return dst + src + struct.pack("!HBBHH", ETH_P_PPP_DISC, vertype, code, sid, n) + payload


def parse(data):
    """A received frame as a dict, or None if it is not PPPoE discovery."""
    if len(data) < 20 or struct.unpack("!H", data[12:14])[0] != ETH_P_PPP_DISC:
        return None
    vt, code, sid, n = struct.unpack("!BBHH", data[14:20])
    out = {"code": CODES.get(code, f"0x{code:02x}"), "src": mac_str(data[6:12]),
           "dst": mac_str(data[0:6]), "sid": sid, "vertype": vt, "tags": []}
    p = data[20:20 + n]
    off = 0
    while off + 4 <= len(p):
        t, ln = struct.unpack("!HH", p[off:off + 4])
        v = p[off + 4:off + 4 + ln]
        if len(v) != ln:
            out["truncated"] = True
            break
        off += 4 + ln
        out["tags"].append([t, v.hex()])
        if t == T_END:
            break
        if t == T_SERVICE:
            out.setdefault("services", []).append(v.decode("latin-1"))
        elif t == T_AC_NAME:
            out["ac_name"] = v.decode("latin-1")
        elif t == T_HOST_UNIQ:
            out["host_uniq"] = v.hex()
        elif t == T_COOKIE:
            out["cookie"] = v.hex()
        elif t == T_RELAY:
            out["relay"] = v.hex()
        elif t == T_MAX_PAYLOAD and ln == 2:
            out["max_payload"] = struct.unpack("!H", v)[0]
        elif t == T_SERVICE_ERR:
            out["service_name_error"] = v.decode("latin-1")
        elif t == T_SYSTEM_ERR:
            out["ac_system_error"] = v.decode("latin-1")
        elif t == T_GENERIC_ERR:
            out["generic_error"] = v.decode("latin-1")
    return out


class Link:
    """The packet socket on IF: sends frames, receives the ones addressed
    to a MAC (never our own going out)."""

    def __init__(self, ifname):
        self.ifname = ifname
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_PPP_DISC))
        try:
            self.s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
        except OSError:
            pass  # before Linux 4.20: recv() skips them below
        self.s.bind((ifname, ETH_P_PPP_DISC))

    def send(self, data):
        self.s.send(data)

    def recv_any(self, macs, deadline, codes):
        """The next frame to one of macs (a code of codes) before deadline."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                return None
            data, addr = self.s.recvfrom(2048)
            if addr[2] == PACKET_OUTGOING or data[0:6] not in macs:
                continue
            f = parse(data)
            if f is not None and f["code"] in codes:
                return f

    def recv(self, mac, deadline, codes=None, src=None):
        """The next frame to mac (a code of codes, from src) before
        deadline (time.monotonic()), parsed; None when none came."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                return None
            data, addr = self.s.recvfrom(2048)
            if addr[2] == PACKET_OUTGOING or data[0:6] != mac:
                continue
            f = parse(data)
            if f is None:
                continue
            if codes and f["code"] not in codes:
                continue
            if src and f["src"] != mac_str(src):
                continue
            return f


def client_tags(a, cookie=None, relay_from=None):
    """The tags of a PADI or PADR, in the order rp-pppoe sends them."""
    t = b""
    if not a.no_service:
        t += tag(T_SERVICE, a.service.encode())
    if a.host_uniq is not None:
        t += tag(T_HOST_UNIQ, bytes.fromhex(a.host_uniq))
    if a.max_payload is not None:
        t += tag(T_MAX_PAYLOAD, struct.pack("!H", a.max_payload))
    if cookie is not None:
        t += tag(T_COOKIE, cookie)
    relay = a.relay if relay_from is None else relay_from
    if relay is not None:
        t += tag(T_RELAY, bytes.fromhex(relay))
    return t


def do_padi(link, a, me):
    link.send(frame(BROADCAST, me, PADI, 0, client_tags(a)))
    return link.recv(me, time.monotonic() + a.timeout, {"PADO"})


def do_padr(link, a, me, ac, cookie, dst=None, sid=0, relay=None):
    link.send(frame(dst or ac, me, PADR, sid, client_tags(a, cookie, relay)))
    return link.recv(me, time.monotonic() + a.timeout, {"PADS"}, ac)


def cmd_padi(a):
    link, me = Link(a.ifname), mac_bytes(a.mac)
    pado = do_padi(link, a, me)
    if pado is None:
        print(json.dumps({"error": "no PADO"}))
        return 1
    print(json.dumps(pado))
    return 0


def cmd_padr(a):
    link, me = Link(a.ifname), mac_bytes(a.mac)
    pads = do_padr(link, a, me, mac_bytes(a.ac), bytes.fromhex(a.cookie))
    if pads is None:
        print(json.dumps({"error": "no PADS"}))
        return 2
    print(json.dumps(pads))
    return 0


def cmd_session(a):
    link, me = Link(a.ifname), mac_bytes(a.mac)
    pado = do_padi(link, a, me)
    if pado is None:
        print(json.dumps({"error": "no PADO"}))
        return 1
    ac = mac_bytes(pado["src"])
    cookie = bytearray.fromhex(pado.get("cookie", ""))
    if a.flip_cookie is not None:
        cookie[a.flip_cookie // 8] ^= 0x80 >> (a.flip_cookie % 8)
    dst = mac_bytes(a.padr_dst) if a.padr_dst else None
    out = {"pado": pado, "pads": []}
    rc = 0
    for i in range(a.repeat):
        if i:
            time.sleep(a.gap)
        pads = do_padr(link, a, me, ac, bytes(cookie), dst, a.padr_sid, a.padr_relay)
        if pads is None:
            rc = 2
            break
        out["pads"].append(pads)
    if rc == 0 and a.wait_padt:
        out["padt"] = link.recv(me, time.monotonic() + a.wait_padt, {"PADT"}, ac)
    print(json.dumps(out))
    return rc


def cmd_burst(a):
    """N clients at once, each ending its session with a PADT the moment
    its PADS comes: the AC gets PADTs for pppds it started a moment ago.
    With --early-padt SID the PADT goes right behind the PADR, with the
    session id the AC will give (SID, SID + 1, ...: ids go up one by
    one), so that the AC reads it in the same breath as the PADR."""
    link = Link(a.ifname)
    base = mac_bytes(a.mac)
    macs = [base[:5] + bytes([(base[5] + i) & 0xFF]) for i in range(a.count)]
    for m in macs:
        link.send(frame(BROADCAST, m, PADI, 0, client_tags(a)))
    deadline, pado = time.monotonic() + a.timeout, {}
    while len(pado) < len(macs):
        f = link.recv_any(set(macs), deadline, {"PADO"})
        if f is None:
            break
        pado.setdefault(mac_bytes(f["dst"]), f)
    for i, (m, f) in enumerate(pado.items()):
        ac = mac_bytes(f["src"])
        link.send(frame(ac, m, PADR, 0, client_tags(a, bytes.fromhex(f.get("cookie", "")))))
        if a.early_padt:
            link.send(frame(ac, m, PADT, a.early_padt + i, b""))
    deadline, done = time.monotonic() + a.timeout, {}
    while len(done) < len(pado):
        f = link.recv_any(set(pado), deadline, {"PADS"})
        if f is None:
            break
        m = mac_bytes(f["dst"])
        if m in done:
            continue
        done[m] = f["sid"]
        if f["sid"] and not a.early_padt:
            link.send(frame(mac_bytes(f["src"]), m, PADT, f["sid"], b""))
    print(json.dumps({"sessions": [[mac_str(m), sid] for m, sid in done.items()],
                      "missing": [mac_str(m) for m in macs if m not in done]}))
    return 0 if len(done) == len(macs) else 2


def cmd_flood(a):
    """PADIs from random source MACs at a rate, for some seconds."""
    link = Link(a.ifname)
    t0, n = time.monotonic(), 0
    while True:
        t = time.monotonic() - t0
        if t >= a.seconds:
            break
        if n >= t * a.rate:
            time.sleep(0.001)
            continue
        src = bytearray(os.urandom(6))
        src[0] = (src[0] & 0xFC) | 0x02
        link.send(frame(BROADCAST, bytes(src), PADI, 0, tag(T_SERVICE)))
        n += 1
    print(json.dumps({"sent": n, "seconds": round(time.monotonic() - t0, 2)}))
    return 0


def cmd_padt(a):
    link = Link(a.ifname)
    link.send(frame(mac_bytes(a.ac), mac_bytes(a.mac), PADT, a.sid, b""))
    return 0


def cmd_listen(a):
    link, me = Link(a.ifname), mac_bytes(a.mac)
    if a.ready:
        with open(a.ready, "w"):
            pass
    deadline, n = time.monotonic() + a.seconds, 0
    while a.count == 0 or n < a.count:
        f = link.recv(me, deadline, {a.code} if a.code else None)
        if f is None:
            break
        print(json.dumps(f), flush=True)
        n += 1
    return 0


# Malformed frames: each would be a good PADI (or PADR) but for one fault.
# The PADI's tags: a blank Service-Name, a Host-Uniq.
def bad_frames(kind, me, ac):
    good = tag(T_SERVICE) + tag(T_HOST_UNIQ, b"\x01\x02\x03\x04")
    if kind == "ver-type":        # version 2, type 1
        return frame(BROADCAST, me, PADI, 0, good, vertype=0x21)
    if kind == "length":          # the PPPoE length runs 100 bytes past the frame
        return frame(BROADCAST, me, PADI, 0, good, length=len(good) + 100)
    if kind == "tag":             # the last tag says 40 bytes, 4 are there
        return frame(BROADCAST, me, PADI, 0, tag(T_SERVICE) + struct.pack("!HH", T_HOST_UNIQ, 40)
                     + b"\x01\x02\x03\x04")
    if kind == "duplicate-tag":   # two Host-Uniq: which one to echo?
        return frame(BROADCAST, me, PADI, 0, good + tag(T_HOST_UNIQ, b"\x05"))
    if kind == "session-id":      # a PADI with a session id
        return frame(BROADCAST, me, PADI, 0x1234, good)
    if kind == "source":          # from the broadcast address
        return frame(BROADCAST, BROADCAST, PADI, 0, good)
    if kind == "code":            # not a discovery code
        return frame(BROADCAST, me, 0x42, 0, good)
    if kind == "not-a-client":    # a PADO, as an AC sends
        return frame(ac, me, PADO, 0, good + tag(T_AC_NAME, b"rogue"))
    if kind == "no-service":      # a PADI without a Service-Name
        return frame(BROADCAST, me, PADI, 0, tag(T_HOST_UNIQ, b"\x01"))
    if kind == "short":           # a PPPoE header cut short
        return frame(BROADCAST, me, PADI, 0, b"")[:18]
    raise ValueError(f"unknown kind {kind}")


BAD = ["ver-type", "length", "tag", "duplicate-tag", "session-id", "source", "code",
       "not-a-client", "no-service", "short"]


def cmd_bad(a):
    link, me = Link(a.ifname), mac_bytes(a.mac)
    for kind in a.kind:
        link.send(bad_frames(kind, me, mac_bytes(a.ac)))
    deadline = time.monotonic() + a.wait
    while True:
        f = link.recv(me, deadline)
        if f is None:
            return 0
        print(json.dumps(f), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p, tags=True):
        p.add_argument("ifname")
        p.add_argument("mac")
        p.add_argument("-t", "--timeout", type=float, default=2.0,
                       help="seconds to wait for each answer")
        if tags:
            p.add_argument("--host-uniq")
            p.add_argument("--relay")
            p.add_argument("--service", default="")
            p.add_argument("--no-service", action="store_true")
            p.add_argument("--max-payload", type=int)

    p = sub.add_parser("padi")
    common(p)
    p.set_defaults(fn=cmd_padi)

    p = sub.add_parser("padr")
    common(p)
    p.add_argument("ac")
    p.add_argument("cookie")
    p.set_defaults(fn=cmd_padr)

    p = sub.add_parser("session")
    common(p)
    p.add_argument("--flip-cookie", type=int, metavar="BIT", help="flip this bit of the cookie")
    p.add_argument("--padr-dst", metavar="MAC", help="send the PADR there, not to the AC")
    p.add_argument("--padr-sid", type=int, default=0, help="the PADR's session id")
    p.add_argument("--padr-relay", metavar="HEX", help="the PADR's Relay-Session-Id")
    p.add_argument("--repeat", type=int, default=1, help="send the same PADR this many times")
    p.add_argument("--gap", type=float, default=0.5, help="seconds between them")
    p.add_argument("--wait-padt", type=float, default=0, metavar="S",
                   help="then wait S seconds for a PADT ('padt': null if none)")
    p.set_defaults(fn=cmd_session)

    p = sub.add_parser("burst")
    common(p)
    p.add_argument("count", type=int, help="clients: MAC, MAC + 1, ...")
    p.add_argument("--early-padt", type=int, metavar="SID",
                   help="each PADT right behind its PADR, session ids from SID")
    p.set_defaults(fn=cmd_burst)

    p = sub.add_parser("padt")
    common(p, tags=False)
    p.add_argument("ac")
    p.add_argument("sid", type=int)
    p.set_defaults(fn=cmd_padt)

    p = sub.add_parser("flood")
    p.add_argument("ifname")
    p.add_argument("seconds", type=float)
    p.add_argument("rate", type=float, help="PADIs per second")
    p.set_defaults(fn=cmd_flood)

    p = sub.add_parser("listen")
    common(p, tags=False)
    p.add_argument("seconds", type=float)
    p.add_argument("-c", "--code", help="only this code (PADT, ...)")
    p.add_argument("-n", "--count", type=int, default=0, help="exit after this many")
    p.add_argument("--ready", metavar="FILE", help="created once the socket listens")
    p.set_defaults(fn=cmd_listen)

    p = sub.add_parser("bad")
    common(p, tags=False)
    p.add_argument("kind", nargs="+", choices=BAD)
    p.add_argument("--ac", default="02:00:00:00:00:00", help="where a unicast one goes")
    p.add_argument("--wait", type=float, default=0.5)
    p.set_defaults(fn=cmd_bad)

    a = ap.parse_args()
    try:
        return a.fn(a)
    except (OSError, ValueError) as e:
        print(f"pppoe_client.py: {e}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
