// Smoke: one virtual user for 20 s; every route of the mix answers, correctly, and quickly.
//   .stack/cache/k6/bin/k6 run k6/smoke.js        (npm run bench:api builds k6 and runs load.js)
import { discoverStations, oneRequest, perRoute } from './lib.js';

export const options = {
  vus: 1,
  duration: '20s',
  thresholds: {
    ...perRoute('p(95)<200'),
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    http_req_duration: ['p(95)<200'],
  },
};

export const setup = () => ({ stations: discoverStations() });

export default function (data) {
  oneRequest(data.stations);
}
