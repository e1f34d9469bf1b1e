// Load: 200 requests a second for a minute, arriving at a constant rate whatever the latency (an open
// model, so a slow API cannot hide by slowing the load down). The target: p95 < 50 ms, 0 errors.
import { discoverStations, oneRequest, perRoute } from './lib.js';

const RATE = Number(__ENV.RATE || 200);

export const options = {
  scenarios: {
    api: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: __ENV.DURATION || '60s',
      preAllocatedVUs: 50,
      maxVUs: 200,
    },
  },
  thresholds: {
    ...perRoute('p(95)<150'),
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    http_req_duration: ['p(95)<50'],
    dropped_iterations: ['count==0'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
};

export const setup = () => ({ stations: discoverStations() });

export default function (data) {
  oneRequest(data.stations);
}
