import { ask, smallWorld, twinEngine } from './test/helpers/twin-world.js'
const e = twinEngine(); const w = smallWorld()
console.log(ask(e, w, 'GET', '/v2/organizations/1001/members?include_projects=true&include=projects&page_limit=2').text)
console.log(ask(e, w, 'GET', '/v2/organizations/1001/members?include_projects=true&project_statuses=archived&page_limit=1').text)
console.log(ask(e, w, 'GET', '/v2/organizations/1001/activities?time_slot[start]=2026-11-29T00:00:00Z&time_slot[stop]=2026-12-05T00:00:00Z&global_todo_ids=5&page_limit=1').text)
