// Stress: the arrival rate climbs from 100 to 1000 requests a second over four minutes, to find where
// the API stops keeping up. It must degrade (slower answers, 429s past the rate limit) without errors.
import { discoverStations, oneRequest } from './lib.js';

export const options = {
  scenarios: {
    api: {
      executor: 'ramping-arrival-rate',
      startRate: 100,
      timeUnit: '1s',
      preAllocatedVUs: 100,
      maxVUs: 500,
      stages: [
        { target: 250, duration: '1m' },
        { target: 500, duration: '1m' },
        { target: 1000, duration: '1m' },
        { target: 1000, duration: '1m' },
      ],
    },
  },
  thresholds: {
    // 5xx never; everything else is the client's share of an overloaded service.
    'http_req_failed{expected_response:false}': ['rate<0.01'],
    http_req_duration: ['p(99)<2000'],
  },
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max'],
};

export const setup = () => ({ stations: discoverStations() });

export default function (data) {
  oneRequest(data.stations);
}
