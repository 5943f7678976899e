const { openReader } = await import('../dist/db/open.js');
const db = openReader(process.argv[2]);
let s = performance.now();
const st = db.prepare(`SELECT string_agg(j, char(10) ORDER BY id), count(*), max(id) FROM (SELECT id, json_array(id, cadre_id, course_code, completed_on, quarters) AS j FROM hours WHERE completed_on <= ? AND id > ? ORDER BY id LIMIT 8192)`).raw();
let last=-1, n=0; for(;;){const [x,k,m]=st.get('2026-08-31',last); if(!k)break; n+=k; last=m;}
console.log('chunks', n, (performance.now()-s).toFixed(0));
s = performance.now(); n=0;
for (const r of db.prepare('SELECT id, cadre_id, course_code, completed_on, quarters FROM hours WHERE completed_on <= ? ORDER BY id').raw().iterate('2026-08-31')) n++;
console.log('iterate', n, (performance.now()-s).toFixed(0));
s = performance.now();
console.log(db.prepare('SELECT count(*) FROM hours').pluck().get(), 'count', (performance.now()-s).toFixed(0));
