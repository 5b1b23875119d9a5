//! Single-key operations, pipelined and routed by hash slot: the machinery behind
//! `create`, `lookup`, `delete_if_holds` and `expire_if_persistent`.

use std::collections::BTreeMap;
use std::thread::sleep;

use super::conn::{command_error, Conn, Endpoint, Fail};
use super::connect::{key_slot, Store};
use super::resp::{self, Reply, Tok};
use super::StoreError;

/// Commands per pipeline round trip.
pub(crate) const BATCH: usize = 1000;

/// A Lua script run with EVALSHA (loaded on NOSCRIPT).
pub(crate) struct Script {
    pub code: &'static str,
    pub sha: String,
}

impl Script {
    pub fn new(code: &'static str) -> Script {
        use sha1::{Digest, Sha1};
        Script { code, sha: hex::encode(Sha1::digest(code.as_bytes())) }
    }
}

/// Deletes KEYS[1] only when it is a string holding ARGV[1]: 1 when deleted, -1 when the key
/// does not exist, 0 otherwise. `pcall` turns WRONGTYPE into a table, so hashes, lists and the
/// like are never touched.
pub(crate) const DELETE_IF_HOLDS: &str = r#"local v = redis.pcall('GET', KEYS[1])
if type(v) == 'string' and v == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
if v == false then
  return -1
end
return 0"#;

/// Gives KEYS[1] a TTL of ARGV[1] seconds only when it is still a string without one: 1 when
/// set, -1 when it is a string that already has a TTL, 0 otherwise.
pub(crate) const EXPIRE_IF_PERSISTENT: &str = r#"if redis.call('TYPE', KEYS[1])['ok'] == 'string' then
  if redis.call('PTTL', KEYS[1]) == -1 then
    return redis.call('EXPIRE', KEYS[1], ARGV[1])
  end
  return -1
end
return 0"#;

/// What one conditional write answered.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Outcome {
    /// It made the change.
    Done,
    /// It did not, and the key is not in the state the change leaves (another user's value,
    /// another type).
    NotDone,
    /// It did not, but the key is already in the state the change leaves (gone, set, given
    /// a TTL). When the command had been sent before and its reply was lost with the
    /// connection, that earlier attempt made the change: it counts as done.
    AlreadySo,
}

/// How one command of a pipeline ended.
enum Answer {
    Done(Outcome),
    /// MOVED: the slot lives elsewhere now; refresh the map and try again.
    Moved,
    /// ASK: run it once on that node after ASKING.
    Ask(String),
    NoScript,
}

impl Store {
    /// The node serving `key`.
    pub(crate) fn node_for(&self, key: &[u8]) -> Result<Endpoint, StoreError> {
        let topology = self.topology();
        if !self.cluster {
            return Ok(topology.nodes[0].clone());
        }
        let slot = key_slot(key);
        match topology.slots[slot as usize] {
            u16::MAX => Err(StoreError::Command(format!(
                "no Redis Cluster node serves hash slot {slot}; check the cluster (redis-cli --cluster check)"
            ))),
            i => Ok(topology.nodes[i as usize].clone()),
        }
    }

    /// Runs `f` on the pooled connection to `node`, reconnecting (with backoff) when the
    /// connection breaks. `f` must be safe to run again: keep its progress outside.
    pub(crate) fn on_node<R>(
        &self,
        node: &Endpoint,
        mut f: impl FnMut(&mut Conn) -> Result<R, Fail>,
    ) -> Result<R, StoreError> {
        let key = node.addr.to_string();
        let mut conns = self.conns.lock().unwrap_or_else(|e| e.into_inner());
        let retries = self.options.timeouts.retries;
        // Failures in a row without a reply read in between; `total` bounds a connection that
        // always breaks part-way.
        let (mut failures, mut total) = (0, 0);
        loop {
            if !conns.contains_key(&key) {
                match Conn::open(node) {
                    Ok(conn) => {
                        conns.insert(key.clone(), conn);
                    }
                    Err(fail) if fail.is_transport() && failures < retries => {
                        failures += 1;
                        sleep(Store::backoff(failures + 1));
                        continue;
                    }
                    Err(fail) => return Err(fail.into_connect_error()),
                }
            }
            let conn = conns.get_mut(&key).expect("just inserted");
            let replies = conn.replies;
            match f(conn) {
                Ok(r) => return Ok(r),
                Err(fail) => {
                    if fail.is_transport() {
                        let progressed = conns.remove(&key).is_some_and(|c| c.replies > replies);
                        if progressed {
                            failures = 0;
                        }
                        total += 1;
                        if failures < retries && total < retries * 10 {
                            failures += 1;
                            sleep(Store::backoff(failures));
                            continue;
                        }
                    }
                    return Err(fail.into_store_error());
                }
            }
        }
    }

    /// Runs one command per item (each with one reply), pipelined in batches per node, and
    /// follows MOVED/ASK redirections and NOSCRIPT. An item whose reply was lost with a
    /// broken connection is sent again after reconnecting; the conditional writes used here
    /// never do anything twice, and an item sent again that finds its key already in the
    /// state its change leaves ([`Outcome::AlreadySo`]) counts as done by the lost attempt.
    pub(crate) fn run_batch<'k>(
        &self,
        items: usize,
        key_of: &dyn Fn(usize) -> &'k [u8],
        encode: &dyn Fn(&mut Vec<u8>, usize),
        decode: &dyn Fn(&Reply) -> Option<Outcome>,
        script: Option<&Script>,
        command: &str,
    ) -> Result<Vec<bool>, StoreError> {
        let mut results: Vec<Option<bool>> = vec![None; items];
        // Items sent on a connection that broke before their reply came.
        let mut lost = vec![false; items];
        let settle = |outcome: Outcome, lost: bool| match outcome {
            Outcome::Done => true,
            Outcome::NotDone => false,
            Outcome::AlreadySo => lost,
        };
        let mut pending: Vec<usize> = (0..items).collect();
        let mut round = 0;
        while !pending.is_empty() {
            round += 1;
            if round > 6 {
                return Err(StoreError::Command(format!(
                    "Redis Cluster kept redirecting {command} (MOVED/ASK); try again when resharding is done"
                )));
            }
            // Group by node, keeping each node's items in order.
            let mut groups: BTreeMap<String, (Endpoint, Vec<usize>)> = BTreeMap::new();
            for &i in &pending {
                let node = self.node_for(key_of(i))?;
                groups.entry(node.addr.to_string()).or_insert_with(|| (node, Vec::new())).1.push(i);
            }
            let mut retry = Vec::new();
            let mut asks: Vec<(usize, String)> = Vec::new();
            for (_, (node, indexes)) in groups {
                for chunk in indexes.chunks(BATCH) {
                    let mut todo: Vec<usize> = chunk.to_vec();
                    let mut loads = 0;
                    while !todo.is_empty() {
                        let mut noscript = Vec::new();
                        // `next` advances as replies arrive, so a reconnect resends only the
                        // commands whose replies were lost.
                        let mut next = 0;
                        let mut tries = 0;
                        self.on_node(&node, |conn| {
                            tries += 1;
                            for &i in &todo[next..] {
                                lost[i] |= tries > 1;
                                encode(&mut conn.out, i);
                            }
                            conn.send()?;
                            while next < todo.len() {
                                let i = todo[next];
                                let reply = conn.read()?;
                                let answered = match answer(&reply, decode) {
                                    Ok(Answer::NoScript) if script.is_none() => Err("NOSCRIPT".to_string()),
                                    answered => answered,
                                };
                                next += 1;
                                match answered {
                                    Ok(Answer::Done(outcome)) => results[i] = Some(settle(outcome, lost[i])),
                                    Ok(Answer::Moved) => retry.push(i),
                                    Ok(Answer::Ask(to)) => asks.push((i, to)),
                                    Ok(Answer::NoScript) => noscript.push(i),
                                    Err(e) => {
                                        let addr = conn.addr.clone();
                                        // Drain the rest so the connection stays in step.
                                        while next < todo.len() {
                                            conn.read()?;
                                            next += 1;
                                        }
                                        return Err(Fail::Fatal(command_error(&addr, command, &e)));
                                    }
                                }
                            }
                            Ok(())
                        })?;
                        todo.clear();
                        if let Some(script) = script.filter(|_| !noscript.is_empty()) {
                            loads += 1;
                            if loads > 3 {
                                return Err(StoreError::Command(format!(
                                    "Redis at {} keeps forgetting the {command} script (NOSCRIPT)",
                                    node.addr
                                )));
                            }
                            self.load_script(&node, script)?;
                            todo = noscript;
                        }
                    }
                }
            }
            for (i, to) in asks {
                let Some(node) = self.endpoint_at(&to) else {
                    retry.push(i);
                    continue;
                };
                // Once after ASKING, and again after loading the script if that node lacks it.
                for attempt in 0..2 {
                    let mut answered = None;
                    let mut tries = 0;
                    self.on_node(&node, |conn| {
                        tries += 1;
                        lost[i] |= tries > 1;
                        resp::push_cmd(&mut conn.out, &[b"ASKING"]);
                        encode(&mut conn.out, i);
                        conn.send()?;
                        conn.read()?;
                        let reply = conn.read()?;
                        answered = Some(answer(&reply, decode));
                        Ok(())
                    })?;
                    match answered.expect("set") {
                        Ok(Answer::Done(outcome)) => results[i] = Some(settle(outcome, lost[i])),
                        Ok(Answer::NoScript) if attempt == 0 => {
                            if let Some(script) = script {
                                self.load_script(&node, script)?;
                                continue;
                            }
                            retry.push(i);
                        }
                        Ok(_) => retry.push(i),
                        Err(e) => return Err(command_error(&to, command, &e)),
                    }
                    break;
                }
            }
            if !retry.is_empty() {
                self.refresh_topology()?;
            }
            pending = retry;
        }
        Ok(results.into_iter().map(|r| r.unwrap_or(false)).collect())
    }
}

impl Store {
    /// `SCRIPT LOAD` on `node` (after a NOSCRIPT reply there).
    fn load_script(&self, node: &Endpoint, script: &Script) -> Result<(), StoreError> {
        self.on_node(node, |conn| conn.query(&[b"SCRIPT", b"LOAD", script.code.as_bytes()]).map(|_| ()))
    }
}

fn answer(reply: &Reply, decode: &dyn Fn(&Reply) -> Option<Outcome>) -> Result<Answer, String> {
    if let Some(error) = reply.error() {
        if error.starts_with("MOVED ") {
            return Ok(Answer::Moved);
        }
        if error.starts_with("ASK ") {
            return Ok(Answer::Ask(redirect_target(&error).to_string()));
        }
        if error.starts_with("NOSCRIPT") {
            return Ok(Answer::NoScript);
        }
        return Err(error);
    }
    decode(reply)
        .map(Answer::Done)
        .ok_or_else(|| format!("unexpected reply {:?}", String::from_utf8_lossy(reply.bytes(reply.top()))))
}

/// The node a `MOVED slot host:port` or `ASK slot host:port` error names.
pub(crate) fn redirect_target(error: &str) -> &str {
    error.split(' ').nth(2).unwrap_or_default()
}

/// The scripts' answers: `1` done, `-1` already so, `0` not done.
pub(crate) fn script_outcome(reply: &Reply) -> Option<Outcome> {
    match reply.top() {
        Tok::Int(1) => Some(Outcome::Done),
        Tok::Int(0) => Some(Outcome::NotDone),
        Tok::Int(-1) => Some(Outcome::AlreadySo),
        _ => None,
    }
}

/// `SET … NX`: `+OK` done; nil, the key exists: already so (the ids are 256-bit random, so
/// after a lost reply it is the session that attempt stored).
pub(crate) fn set_nx_outcome(reply: &Reply) -> Option<Outcome> {
    match reply.top() {
        Tok::Simple(..) => Some(Outcome::Done),
        Tok::Nil => Some(Outcome::AlreadySo),
        _ => None,
    }
}

/// `EVALSHA <sha> 1 <key> <arg>`.
pub(crate) fn push_evalsha(out: &mut Vec<u8>, script: &Script, key: &[u8], arg: &[u8]) {
    resp::push_cmd(out, &[b"EVALSHA", script.sha.as_bytes(), b"1", key, arg]);
}
