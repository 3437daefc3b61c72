#!/bin/bash
# A VM's serial console in the lab: getty and login in miniature. Runs on a pty inside the VM's
# network namespace. Usage: login.sh <vm> <credentials file: user on line 1, password on line 2>
# [boot log: what the guest printed while booting, e.g. its DHCP client, shown first]
vm=$1
{ IFS= read -r want_user; IFS= read -r want_pass; } < "$2"
[[ -n $3 && -r $3 ]] && cat "$3"
printf '\nUbuntu 22.04.4 LTS %s ttyS0\n\n' "$vm"
while :; do
  printf '%s login: ' "$vm"
  IFS= read -r user || exit 0
  [[ -z $user ]] && continue
  printf 'Password: '
  IFS= read -rs pass || exit 0
  printf '\n'
  [[ $user == "$want_user" && $pass == "$want_pass" ]] && break
  printf '\nLogin incorrect\n'
done
unset want_user want_pass pass
cd /tmp || exit 1
export HOME=/tmp USER=$user LOGNAME=$user TERM=${TERM:-vt100} PS1="$user@$vm:~# "
exec bash --norc --noprofile -i
