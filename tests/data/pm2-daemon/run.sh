#!/bin/sh
set -x
PM2_JS=$HOME/.cache/omniwatch-tests/pm2-7.0.4/node_modules/pm2/bin/pm2
export PM2_HOME=/home/app/example/home PM2_DISABLE_VERSION_CHECK=1 NO_COLOR=1
rm -rf $PM2_HOME /home/app/example/clu-count; mkdir -p $PM2_HOME; : > $PM2_HOME/touch
p() { node $PM2_JS "$@"; }
p ping
p start /home/app/example/crash.js --name crashy
p start /home/app/example/clu.js --name desk -i 3
p start /home/app/example/ok.js --name solo --output /home/app/example/ext/solo-out.log --error /home/app/example/ext/solo-err.log
sleep 12
p ls
p stop solo
p restart solo
p reload desk
p stop desk
p restart desk
p delete crashy
p save
p kill
p resurrect
sleep 3
p ls
p delete all
p kill
