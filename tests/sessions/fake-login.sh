#!/bin/bash
# A stand-in for login(1), started by agetty as "fake-login.sh -- USER": asks for the password
# without echo, then starts an interactive bash with a colourful prompt, or says "Login incorrect".
# VPCHECK_TEST_NOISE=1 adds a writer of fake kernel lines to the terminal, like printk on ttyS0.
# VPCHECK_TEST_NOEDITING=1 starts bash without readline: it reads its input in canonical mode, as a
# busybox or dash shell on a small VM does.
user=${*: -1}
# Echo goes off before the prompt, as login(1) does: a password typed right away is not shown.
stty -echo
printf 'Password: '
IFS= read -r password
stty echo
printf '\n'
if [ "$user" != "$VPCHECK_TEST_USER" ] || [ "$password" != "$VPCHECK_TEST_PASSWORD" ]; then
  sleep 0.2
  printf '\nLogin incorrect\n'
  exit 1
fi
unset VPCHECK_TEST_PASSWORD
printf 'Welcome to the test VM\n'
if [ -n "$VPCHECK_TEST_NOISE" ]; then
  (while sleep 0.01 && printf '[%5d.%06d] virtio_net virtio0 enp1s0: link flap\n' "$SECONDS" "$RANDOM"; do :; done) &
fi
export PS1='\[\e]0;\u@vm: \w\a\]\[\e[01;32m\]\u@vm\[\e[00m\]:\[\e[01;34m\]\w\[\e[00m\]\$ '
exec bash --noprofile --norc ${VPCHECK_TEST_NOEDITING:+--noediting} -i
