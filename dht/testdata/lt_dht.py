#!/usr/bin/python3
# A libtorrent DHT peer for dht's interop test, kept on loopback.
#   lt_dht.py seed PORT BOOT_PORT TORRENT DIR  seed a torrent, announcing it on the DHT
#   lt_dht.py get  PORT BOOT_PORT MAGNET DIR   fetch a magnet link through the DHT
# libtorrent's defaults reach the Internet (public bootstrap routers, UPnP,
# NAT-PMP, local peer discovery, all interfaces); every one is turned off.
import sys, time
import libtorrent as lt

mode, port, boot, src, save = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
ses = lt.session({
    "listen_interfaces": "127.0.0.1:%d" % port,
    "outgoing_interfaces": "127.0.0.1",
    "enable_upnp": False, "enable_natpmp": False, "enable_lsd": False,
    "enable_dht": True,
    "dht_bootstrap_nodes": "127.0.0.1:%d" % boot,
    # Every node of the test shares 127.0.0.1.
    "dht_restrict_routing_ips": False, "dht_restrict_search_ips": False,
    "dht_ignore_dark_internet": False, "dht_prefer_verified_node_ids": False,
    "allow_multiple_connections_per_ip": True,
    "enable_ip_notifier": False,
    "alert_mask": lt.alert.category_t.dht_notification | lt.alert.category_t.error_notification,
})
ses.add_dht_node(("127.0.0.1", boot))
if src.startswith("magnet:"):
    params = lt.parse_magnet_uri(src)
else:
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(src)
params.save_path = save
h = ses.add_torrent(params)
start = time.time()
last = 0.0
while True:
    for a in ses.pop_alerts():
        print("%6.2f %s: %s" % (time.time() - start, type(a).__name__, a.message()), flush=True)
    # A torrent added before the DHT has bootstrapped waits a full announce
    # interval before trying again: nudge it every two seconds instead.
    if time.time() - last > 2:
        h.force_dht_announce()
        last = time.time()
    time.sleep(0.2)
