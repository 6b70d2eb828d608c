//! A loopback fake of Sumo Logic's Search Job API, for tests and benchmarks:
//! a wiremock server (stopped when dropped) whose one responder keeps the
//! jobs and plays the protocol:
//! - `POST .../v1/search/jobs` checks the time range and zone, answers 202
//!   with the id and sets a per-job cookie; a configured number of creates
//!   get 429 first;
//! - every follow-up needs the job's cookie (else 404 `jobid.invalid`, as
//!   Sumo answers), and Basic credentials;
//! - each status poll moves the job on: NOT STARTED, then GATHERING RESULTS
//!   with more messages found each poll, then DONE GATHERING RESULTS, or
//!   FORCE PAUSED at the configured limit for a non-aggregate query; each
//!   poll reports only new warnings and histogram buckets;
//! - messages (newest first) and records are paged by offset and limit
//!   (at most 10,000);
//! - a job not asked about within the idle limit is cancelled: 404;
//! - `DELETE` removes the job; [`Fake::jobs_left`] counts the others.
//!
//! Message `i` of the data set has `_messagetime` = `start + i * step`; a
//! job sees those in its range, both bounds included, as a server might.

#![allow(dead_code)] // each test file uses part of it

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// How the fake behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Messages in the data set.
    pub messages: u64,
    /// `_messagetime` of message 0, and the step between messages (ms).
    pub start: i64,
    pub step: i64,
    /// Status polls answered NOT STARTED before the job gathers.
    pub polls_before_start: u32,
    /// Messages found per GATHERING poll.
    pub found_per_poll: u64,
    /// A non-aggregate job stops at this many messages: FORCE PAUSED.
    pub force_pause_at: Option<u64>,
    /// A job not asked about for this long is cancelled.
    pub idle_cancel: Option<Duration>,
    /// Creates answered 429 before one is accepted.
    pub rejected_creates: u32,
    /// A state the fake reports once, at the first gathering poll, before
    /// the real one (to show that unknown states do not fail).
    pub unknown_state: Option<String>,
    /// Build each page body once per page size and reuse it (benchmarks:
    /// the client's cost, not the fake's).
    pub reuse_pages: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            messages: 100,
            start: 1_796_083_200_000,
            step: 1_000,
            polls_before_start: 1,
            found_per_poll: 40,
            force_pause_at: None,
            idle_cancel: None,
            rejected_creates: 0,
            unknown_state: None,
            reuse_pages: false,
        }
    }
}

/// What the fake saw.
#[derive(Debug, Default, Clone)]
pub struct Log {
    pub creates: u32,
    pub rejected_creates: u32,
    pub polls: u32,
    pub pages: u32,
    pub largest_limit: u64,
    pub deletes: u32,
    pub cancelled: u32,
    /// Requests refused for a missing cookie.
    pub without_cookie: u32,
    /// The state of each job when a page of its messages was served.
    pub page_states: Vec<&'static str>,
}

#[derive(Debug)]
struct Job {
    cookie: String,
    aggregate: bool,
    /// Data set indexes in the job's range, lowest first.
    first: u64,
    count: u64,
    polls: u32,
    found: u64,
    state: &'static str,
    reported_unknown: bool,
    touched: Instant,
}

#[derive(Debug, Default)]
struct State {
    jobs: HashMap<String, Job>,
    next: u64,
    log: Log,
    page_cache: HashMap<(u64, u64), Vec<u8>>,
}

/// The running fake.
pub struct Fake {
    pub server: MockServer,
    state: Arc<Mutex<State>>,
}

impl Fake {
    /// Starts a fake on a loopback port.
    pub async fn start(config: Config) -> Fake {
        let state = Arc::new(Mutex::new(State::default()));
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        Mock::given(any())
            .respond_with(Responder {
                config,
                state: state.clone(),
            })
            .mount(&server)
            .await;
        Fake { server, state }
    }

    /// The URL to give the client (`Deployment::custom`): `/api` under
    /// the server, as Sumo lays out its hosts (the job cookies' path).
    pub fn uri(&self) -> String {
        format!("{}/api", self.server.uri())
    }

    /// Jobs neither deleted nor cancelled.
    pub fn jobs_left(&self) -> usize {
        self.state.lock().unwrap().jobs.len()
    }

    /// Waits (up to 5 s) until no job is left; returns how many are.
    pub async fn settle(&self) -> usize {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.jobs_left() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.jobs_left()
    }

    pub fn log(&self) -> Log {
        self.state.lock().unwrap().log.clone()
    }

    /// The state of the only job, if there is one.
    pub fn job_state(&self) -> Option<&'static str> {
        self.state
            .lock()
            .unwrap()
            .jobs
            .values()
            .next()
            .map(|j| j.state)
    }
}

struct Responder {
    config: Config,
    state: Arc<Mutex<State>>,
}

/// Sumo's flat error shape.
fn legacy(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "status": status, "id": "FAKE1-ERROR", "code": code, "message": message
    }))
}

fn invalid_job() -> ResponseTemplate {
    legacy(404, "jobid.invalid", "Job ID is invalid.")
}

const TIME_ZONES: &[&str] = &["UTC", "Europe/Zurich", "America/Los_Angeles", "Asia/Tokyo"];

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !authorization.starts_with("Basic ") || authorization == basic("bad", "key") {
            // The shape of the newer APIs.
            return ResponseTemplate::new(401).set_body_json(json!({
                "id": "FAKE2-AUTH",
                "errors": [{"code": "unauthorized", "message": "Credential could not be verified."}]
            }));
        }
        let path = request.url.path();
        let Some(rest) = path.split("/v1/search/jobs").nth(1) else {
            return legacy(404, "notfound", "Requested resource could not be found.");
        };
        let mut state = self.state.lock().unwrap();
        let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("POST", []) => self.create(&mut state, request),
            (method, [id, tail @ ..]) => {
                let id = id.to_string();
                let Some(job) = state.jobs.get(&id) else {
                    return invalid_job();
                };
                let cookie = request
                    .headers
                    .get("cookie")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if !cookie.contains(&job.cookie) {
                    state.log.without_cookie += 1;
                    return invalid_job();
                }
                if let Some(idle) = self.config.idle_cancel
                    && job.touched.elapsed() > idle
                {
                    state.jobs.remove(&id);
                    state.log.cancelled += 1;
                    return invalid_job();
                }
                match (method, tail) {
                    ("GET", []) => self.poll(&mut state, &id),
                    ("GET", [kind]) if *kind == "messages" || *kind == "records" => {
                        self.page(&mut state, &id, kind, request)
                    }
                    ("DELETE", []) => {
                        state.jobs.remove(&id);
                        state.log.deletes += 1;
                        ResponseTemplate::new(200).set_body_json(json!({"id": id}))
                    }
                    _ => legacy(405, "method.unsupported", "Unsupported method for URL."),
                }
            }
            _ => legacy(405, "method.unsupported", "Unsupported method for URL."),
        }
    }
}

/// The Authorization header of `id`:`key`.
pub fn basic(id: &str, key: &str) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{key}"));
    format!("Basic {encoded}")
}

impl Responder {
    fn create(&self, state: &mut State, request: &Request) -> ResponseTemplate {
        if state.log.rejected_creates < self.config.rejected_creates {
            state.log.rejected_creates += 1;
            return legacy(
                429,
                "rate.limit.exceeded",
                "Your organization has exceeded the active search job limit.",
            )
            .insert_header("retry-after", "0");
        }
        let Ok(body) = request.body_json::<Value>() else {
            return legacy(400, "generic", "The body is not JSON.");
        };
        let time = |name: &str| -> Option<i64> {
            match &body[name] {
                Value::String(s) => s.parse().ok(),
                Value::Number(n) => n.as_i64(),
                _ => None,
            }
        };
        let (Some(from), Some(to)) = (time("from"), time("to")) else {
            return legacy(
                400,
                "searchjob.invalid.timestamp.from",
                "The 'from' field contains an invalid time.",
            );
        };
        if to < from {
            return legacy(
                400,
                "searchjob.to.smaller.than.from",
                "The 'from' time cannot be larger than the 'to' time.",
            );
        }
        let zone = body["timeZone"].as_str().unwrap_or("");
        if !TIME_ZONES.contains(&zone) {
            return legacy(
                400,
                "searchjob.unknown.timezone",
                "The 'timezone' value is not a known time zone.",
            );
        }
        let query = body["query"].as_str().unwrap_or("");
        if query.trim().is_empty() {
            return legacy(
                400,
                "searchjob.no.query",
                "No 'query' parameter was provided.",
            );
        }
        let (start, step) = (self.config.start, self.config.step.max(1));
        let index = |t: i64| -> i64 { (t - start).div_euclid(step) };
        let lowest = if from <= start {
            0
        } else {
            index(from - 1) + 1
        };
        let highest = index(to).min(self.config.messages as i64 - 1);
        let count = (highest - lowest + 1).max(0) as u64;
        state.next += 1;
        let id = format!("{:016X}", 0xC0FFEE00 + state.next);
        let cookie = format!("JSESSIONID=fake{}", state.next);
        state.jobs.insert(
            id.clone(),
            Job {
                cookie: cookie.clone(),
                aggregate: query.contains("count"),
                first: lowest.max(0) as u64,
                count,
                polls: 0,
                found: 0,
                state: "NOT STARTED",
                reported_unknown: false,
                touched: Instant::now(),
            },
        );
        state.log.creates += 1;
        ResponseTemplate::new(202)
            .append_header(
                "set-cookie",
                format!("{cookie}; Path=/api; HttpOnly").as_str(),
            )
            .append_header("set-cookie", "AWSALB=fake; Path=/")
            .set_body_json(json!({"id": id, "link": {"rel": "self", "href": "jobs/"}}))
    }

    fn poll(&self, state: &mut State, id: &str) -> ResponseTemplate {
        state.log.polls += 1;
        let config = &self.config;
        let job = state.jobs.get_mut(id).expect("checked");
        job.touched = Instant::now();
        job.polls += 1;
        let mut warnings = Vec::new();
        let mut buckets = Vec::new();
        if job.polls > config.polls_before_start
            && !matches!(job.state, "DONE GATHERING RESULTS" | "FORCE PAUSED")
        {
            if job.state == "NOT STARTED" {
                warnings.push(format!("warning at poll {}", job.polls));
            }
            let before = job.found;
            job.found = (job.found + config.found_per_poll).min(job.count);
            let cap = config.force_pause_at.filter(|_| !job.aggregate);
            buckets.push(
                json!({"startTimestamp": config.start + before as i64 * config.step,
                                "length": config.step, "count": job.found - before}),
            );
            job.state = match cap {
                Some(cap) if job.found >= cap && job.count > cap => {
                    job.found = cap;
                    "FORCE PAUSED"
                }
                _ if job.found == job.count => {
                    warnings.push("done: results may be partial".into());
                    "DONE GATHERING RESULTS"
                }
                _ => "GATHERING RESULTS",
            };
        }
        let mut reported = job.state.to_string();
        if let Some(unknown) = &config.unknown_state
            && job.state == "GATHERING RESULTS"
            && !job.reported_unknown
        {
            job.reported_unknown = true;
            reported = unknown.clone();
        }
        let records = if job.aggregate && job.state == "DONE GATHERING RESULTS" {
            3
        } else {
            0
        };
        ResponseTemplate::new(200).set_body_json(json!({
            "state": reported,
            "messageCount": job.found,
            "recordCount": records,
            "histogramBuckets": buckets,
            "pendingErrors": [],
            "pendingWarnings": warnings,
        }))
    }

    fn page(&self, state: &mut State, id: &str, kind: &str, request: &Request) -> ResponseTemplate {
        let query: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        let number = |name: &str| query.get(name).and_then(|v| v.parse::<u64>().ok());
        let (Some(offset), Some(limit)) = (number("offset"), number("limit")) else {
            return legacy(400, "searchjob.offset.missing", "Offset is missing.");
        };
        if limit == 0 || limit > 10_000 {
            return legacy(
                400,
                "searchjob.limit.invalid",
                "Limit must be from 1 to 10,000.",
            );
        }
        state.log.pages += 1;
        state.log.largest_limit = state.log.largest_limit.max(limit);
        let job = state.jobs.get_mut(id).expect("checked");
        job.touched = Instant::now();
        let job_state = job.state;
        let (first, count, found, aggregate) = (job.first, job.count, job.found, job.aggregate);
        state.log.page_states.push(job_state);
        if kind == "records" {
            if !aggregate {
                return legacy(
                    400,
                    "searchjob.no.records.not.an.aggregation.query",
                    "No records; query is not an aggregation",
                );
            }
            let records: Vec<Value> = (0..3u64)
                .skip(offset as usize)
                .take(limit as usize)
                .map(|k| json!({"map": {"_sourcecategory": format!("cat{k}"), "_count": (count / 3 + k).to_string()}}))
                .collect();
            return ResponseTemplate::new(200).set_body_json(json!({
                "fields": [{"name": "_sourcecategory", "fieldType": "string", "keyField": true},
                           {"name": "_count", "fieldType": "int", "keyField": false}],
                "records": records
            }));
        }
        // Newest first: offset 0 is the last message of the range.
        let end = found.min(offset + limit);
        let body = if self.config.reuse_pages {
            let key = (offset.min(1), end.saturating_sub(offset));
            state
                .page_cache
                .entry(key)
                .or_insert_with(|| self.messages_body(first, count, offset, end))
                .clone()
        } else {
            self.messages_body(first, count, offset, end)
        };
        ResponseTemplate::new(200).set_body_raw(body, "application/json")
    }

    fn messages_body(&self, first: u64, count: u64, offset: u64, end: u64) -> Vec<u8> {
        let mut out = String::from(
            r#"{"fields":[{"name":"_messageid","fieldType":"long","keyField":false},{"name":"_messagetime","fieldType":"long","keyField":false},{"name":"_raw","fieldType":"string","keyField":false},{"name":"_sourcecategory","fieldType":"string","keyField":false}],"messages":["#,
        );
        for (n, position) in (offset..end.max(offset)).enumerate() {
            let index = first + count - 1 - position;
            let time = self.config.start + index as i64 * self.config.step;
            if n > 0 {
                out.push(',');
            }
            out.push_str(&format!(
                r#"{{"map":{{"_messageid":"{index}","_messagetime":"{time}","_raw":"2026-12-01 message number {index} of the fake data set","_sourcecategory":"fake/app"}}}}"#
            ));
        }
        out.push_str("]}");
        out.into_bytes()
    }
}
