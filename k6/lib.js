// Shared by the k6 scripts: the API's address, the stations to ask about, and the request mix with a
// check on every response. k6 runs this JavaScript itself (not Node), so it imports only k6 modules.
import { check, fail } from 'k6';
import http from 'k6/http';

export const BASE = __ENV.SENSORWATCH_API || 'http://127.0.0.1:8080';

/** The request names of the mix, so each route gets its own latency threshold and summary line. */
export const ROUTES = [
  'GET /api/anomalies/latest',
  'GET /api/stations/{id}/readings',
  'GET /api/anomalies/count',
  'GET /api/summary',
  'GET /api/warnings',
  'GET /api/forecasts',
  'POST /api/predict',
  'GET /api/anomalies/latest (bad input)',
];

/**
 * `threshold` on the latency of every route of the mix, besides the overall one: looser than the overall
 * target (the routes that read Cassandra are slower than the cached ones), it catches one route going bad
 * and makes the summary print each route's figures.
 */
export function perRoute(threshold) {
  return Object.fromEntries(ROUTES.map((name) => [`http_req_duration{name:${name}}`, [threshold]]));
}

/** Finds stations to query: the live ones of each simulated profile. */
export function discoverStations() {
  const response = http.get(`${BASE}/api/stations?prefix=`, { tags: { name: 'GET /api/stations' } });
  if (response.status !== 200)
    fail(`GET /api/stations answered ${response.status}: is the stack running (npm start)?`);
  const stations = response
    .json('stations')
    .filter((s) =>
      ['factory', 'environment', 'building_energy', 'power_plant', 'household_power'].includes(s.profile),
    )
    .filter((s) => s.lastSeen && Date.now() - Date.parse(s.lastSeen) < 2 * 3600 * 1000);
  if (stations.length === 0) fail('no station has reported in the last two hours: start the pipeline first');
  return stations;
}

const SAMPLE_VALUES = {
  factory: { temperature: 22.5, humidity: 45, noise_level: 68 },
};

const isJson = (r) => (r.headers['Content-Type'] || '').startsWith('application/json');

/** One request of the mix, picked by weight, with the checks its answer must pass. */
export function oneRequest(stations) {
  const station = stations[Math.floor(Math.random() * stations.length)];
  const pick = Math.random();
  let name;
  let response;
  if (pick < 0.25) {
    name = 'GET /api/anomalies/latest';
    response = http.get(`${BASE}/api/anomalies/latest?limit=20`, { tags: { name } });
    check(response, {
      [`${name} 200 with anomalies`]: (r) => r.status === 200 && Array.isArray(r.json('anomalies')),
    });
  } else if (pick < 0.5) {
    name = 'GET /api/stations/{id}/readings';
    response = http.get(`${BASE}/api/stations/${station.stationId}/readings?limit=50`, { tags: { name } });
    check(response, {
      [`${name} 200 with readings`]: (r) => r.status === 200 && Array.isArray(r.json('readings')),
    });
  } else if (pick < 0.65) {
    name = 'GET /api/anomalies/count';
    response = http.get(`${BASE}/api/anomalies/count?range=15m&profile=${station.profile}`, {
      tags: { name },
    });
    check(response, {
      [`${name} 200 with a total`]: (r) => r.status === 200 && typeof r.json('total') === 'number',
    });
  } else if (pick < 0.75) {
    name = 'GET /api/summary';
    response = http.get(`${BASE}/api/summary?range=1h`, { tags: { name } });
    check(response, { [`${name} 200 by profile`]: (r) => r.status === 200 && r.json('byProfile') !== null });
  } else if (pick < 0.85) {
    name = 'GET /api/warnings';
    response = http.get(`${BASE}/api/warnings?profile=environment`, { tags: { name } });
    check(response, {
      [`${name} 200 with warnings`]: (r) => r.status === 200 && Array.isArray(r.json('warnings')),
    });
  } else if (pick < 0.9) {
    name = 'GET /api/forecasts';
    response = http.get(
      `${BASE}/api/forecasts?station=${station.stationId}&sensor=${firstSensor(station.profile)}&horizon=6`,
      {
        tags: { name },
      },
    );
    check(response, {
      [`${name} 200 with points`]: (r) => r.status === 200 && Array.isArray(r.json('points')),
    });
  } else if (pick < 0.95) {
    name = 'POST /api/predict';
    const factory = stations.find((s) => s.profile === 'factory') || station;
    response = http.post(
      `${BASE}/api/predict`,
      JSON.stringify({ stationId: factory.stationId, profile: 'factory', values: SAMPLE_VALUES.factory }),
      { headers: { 'Content-Type': 'application/json' }, tags: { name } },
    );
    check(response, {
      [`${name} 200 with a verdict`]: (r) => r.status === 200 && typeof r.json('isAnomaly') === 'boolean',
    });
  } else {
    name = 'GET /api/anomalies/latest (bad input)';
    response = http.get(`${BASE}/api/anomalies/latest?limit=0`, {
      tags: { name },
      responseCallback: http.expectedStatuses(400),
    });
    check(response, {
      [`${name} 400 naming the field`]: (r) =>
        r.status === 400 && String(r.json('error.message')).startsWith('limit'),
    });
  }
  check(response, { 'answer is JSON': isJson });
}

function firstSensor(profile) {
  return {
    factory: 'temperature',
    environment: 'air_quality',
    building_energy: 'electricity',
    power_plant: 'gas',
    household_power: 'global_active_power',
  }[profile];
}
