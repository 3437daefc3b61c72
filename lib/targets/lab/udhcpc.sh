#!/bin/sh
# The guest's DHCP event script for busybox udhcpc (managedtap VMs in the lab): applies what the
# lease carries, address, router (option 3) and MTU (option 26), as a cloud image's client would,
# and prints one line per event, which the lab keeps as the client's output.
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    echo "vpcheck-dhcp: deconfig $interface"
    ;;
  bound|renew)
    # A renewal of the same address must not take it away even for a moment: probes are running.
    [ "$(ip -4 -o addr show dev "$interface" | awk '{print $4}')" = "$ip/$mask" ] || ip -4 addr flush dev "$interface"
    # With the lease's lifetime, as a cloud image's client sets it: the guest's own view (ip -j
    # addr) then shows the address as dynamic with the seconds left, and the route as proto dhcp.
    ip addr replace "$ip/$mask" dev "$interface" ${lease:+valid_lft "$lease" preferred_lft "$lease"}
    [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
    for r in $router; do ip route replace default via "$r" dev "$interface" proto dhcp; break; done
    echo "vpcheck-dhcp: $1 $ip/$mask router ${router:-none} mtu ${mtu:-none} lease ${lease:-?} server ${serverid:-?}"
    ;;
  leasefail|nak)
    echo "vpcheck-dhcp: $1 ${message:-}"
    ;;
esac
exit 0
