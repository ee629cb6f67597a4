// Package dht implements the BitTorrent Mainline DHT: Kademlia over KRPC
// (BEP 5), with IPv6 (BEP 32), node-ID checks (BEP 42), read-only nodes
// (BEP 43) and storage of arbitrary items (BEP 44).
package dht
