#!/usr/bin/env python3
"""ra_client.py - a subscriber's view of router advertisements, for
acd-ipv6.sh: sends a Router Solicitation on IFACE (or a malformed one) and
prints the first Router Advertisement that arrives as JSON.

Written from the RFCs, apart from acd's encoder (acd/ra_msg.c) and sharing
no code with it: RFC 4861 section 4.2 (the RA and its Prefix Information and
MTU options), RFC 8106 section 5 (RDNSS, DNSSL) and RFC 8781 section 4
(PREF64: a 13-bit scaled lifetime in units of 8 seconds, a 3-bit prefix
length code, the first 96 bits of the prefix).  No tool in Debian 12
decodes PREF64 (tcpdump 4.99 and scapy 2.5 show option 38 as bytes).

  ra_client.py IFACE [--timeout S] [--no-rs] [--bad KIND] [--count N]

--bad sends a Router Solicitation acd must drop, and prints nothing:
hoplimit (hop limit 64), code (code 1), optlen (an option of length 0),
short (4 bytes).  Standard library only.
"""
import argparse
import ipaddress
import json
import select
import socket
import struct
import sys
import time

ICMP6_RS, ICMP6_RA = 133, 134
PLC_LEN = {0: 96, 1: 64, 2: 56, 3: 48, 4: 40, 5: 32}


def rs_bytes(bad):
    if bad == "short":
        return bytes([ICMP6_RS, 0, 0, 0])
    code = 1 if bad == "code" else 0
    msg = struct.pack("!BBHI", ICMP6_RS, code, 0, 0)
    if bad == "optlen":
        msg += bytes([1, 0, 0, 0, 0, 0, 0, 0])  # length 0: RFC 4861 says drop
    return msg


def domains(data):
    """RFC 1035 names, one after another, then zero padding."""
    out, i = [], 0
    while i < len(data):
        labels = []
        while i < len(data):
            n = data[i]
            i += 1
            if n == 0:
                break
            labels.append(data[i:i + n].decode("ascii"))
            i += n
        if not labels:
            break  # the padding
        out.append(".".join(labels))
    return out


def decode(msg):
    typ, code, _cks, hop, flags, router_lt, reach, retrans = struct.unpack("!BBHBBHII", msg[:16])
    ra = {"hop_limit": hop, "managed": bool(flags & 0x80), "other": bool(flags & 0x40),
          "router_lifetime": router_lt, "reachable": reach, "retrans": retrans,
          "prefixes": [], "rdnss": [], "dnssl": [], "pref64": None, "mtu": None,
          "options": []}
    i = 16
    while i + 2 <= len(msg):
        otype, olen = msg[i], msg[i + 1] * 8
        if olen == 0 or i + olen > len(msg):
            ra["malformed"] = True
            break
        body = msg[i:i + olen]
        ra["options"].append(otype)
        if otype == 3:
            plen, pflags, valid, pref = struct.unpack("!BBII", body[2:12])
            ra["prefixes"].append({"prefix": str(ipaddress.IPv6Address(body[16:32])) + "/%d" % plen,
                                   "on_link": bool(pflags & 0x80), "autonomous": bool(pflags & 0x40),
                                   "valid": valid, "preferred": pref})
        elif otype == 5:
            ra["mtu"] = struct.unpack("!I", body[4:8])[0]
        elif otype == 25:
            lt = struct.unpack("!I", body[4:8])[0]
            for j in range(8, olen, 16):
                ra["rdnss"].append({"address": str(ipaddress.IPv6Address(body[j:j + 16])), "lifetime": lt})
        elif otype == 31:
            lt = struct.unpack("!I", body[4:8])[0]
            ra["dnssl"].append({"domains": domains(body[8:]), "lifetime": lt})
        elif otype == 38:
            word = struct.unpack("!H", body[2:4])[0]
            scaled, plc = word >> 3, word & 7
            plen = PLC_LEN.get(plc)
            prefix = None
            if plen is not None:
                raw = body[4:16] + bytes(4)
                net = ipaddress.IPv6Network((raw, plen), strict=False)
                prefix = str(net)
            ra["pref64"] = {"prefix": prefix, "plc": plc, "scaled_lifetime": scaled,
                            "lifetime": scaled * 8, "length": olen}
        i += olen
    return ra


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--no-rs", action="store_true")
    ap.add_argument("--bad", choices=["hoplimit", "code", "optlen", "short"])
    ap.add_argument("--count", type=int, default=1)
    a = ap.parse_args()
    ifindex = socket.if_nametoindex(a.iface)
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    hops = 64 if a.bad == "hoplimit" else 255
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, hops)
    # receive what ff02::1 gets
    mreq = socket.inet_pton(socket.AF_INET6, "ff02::1") + struct.pack("@I", ifindex)
    try:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    except OSError:
        pass  # already a member, as every IPv6 interface is
    if not a.no_rs or a.bad:
        s.sendto(rs_bytes(a.bad), ("ff02::2", 0, 0, ifindex))
    if a.bad:
        return 0
    got, end = 0, time.monotonic() + a.timeout
    while got < a.count:
        left = end - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            print(json.dumps({"error": "no router advertisement within %.1f s" % a.timeout}))
            return 1
        msg, src = s.recvfrom(2048)
        if len(msg) < 16 or msg[0] != ICMP6_RA:
            continue
        ra = decode(msg)
        ra["from"] = src[0].split("%")[0]
        print(json.dumps(ra))
        got += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
