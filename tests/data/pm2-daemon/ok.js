console.log('ok up'); setInterval(() => {}, 1000);
