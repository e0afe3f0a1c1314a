//! Arbitrary bytes, and every mutation of real-looking mail, are scored without a panic.
//! A small deterministic fuzzer: byte flips, truncations, splices and hostile fragments
//! over a few seed messages; the long runs belong to `cargo fuzz`.

mod common;

use common::{Mail, engine_with_history};
use familiar::{Engine, demo};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const FRAGMENTS: &[&[u8]] = &[
    b"\nContent-Type: multipart/mixed; boundary=\"x\"\n\n--x\n",
    b"=?utf-8?B?4oCu?=",
    b"=?iso-8859-1?Q?=E9=?=",
    b"\xff\xfe\x00",
    b"<a href=\"",
    b"http://xn--80ak6aa92e.com/",
    b"\r\n\r\n",
    b"From: \"\xe2\x80\xae\" <a@b>\n",
    b"Content-Transfer-Encoding: base64\n\n!!!!",
    b"&#x110000;",
    b"<form action=",
    b"Received: from [999.1.1.1]\n",
    b"Date: Mon, 99 Foo 99999 99:99:99 +9999\n",
    b"--x--\n--x\nContent-Type: message/rfc822\n\n",
];

#[test]
fn random_and_mutated_mail_never_panics() {
    let mut engine = engine_with_history(8);
    let mut seeds: Vec<Vec<u8>> = demo::mailbox().into_iter().take(12).collect();
    seeds.push(Mail::usual(3).render());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut runs = 0;
    for round in 0..3000 {
        let mut data = if round % 10 == 0 {
            (0..rng.below(600)).map(|_| rng.next() as u8).collect()
        } else {
            seeds[rng.below(seeds.len())].clone()
        };
        for _ in 0..1 + rng.below(4) {
            match rng.below(4) {
                0 if !data.is_empty() => {
                    let i = rng.below(data.len());
                    data[i] = rng.next() as u8;
                }
                1 => data.truncate(rng.below(data.len() + 1)),
                2 => {
                    let i = rng.below(data.len() + 1);
                    let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                    data.splice(i..i, frag.iter().copied());
                }
                _ => {
                    let other = &seeds[rng.below(seeds.len())];
                    let i = rng.below(data.len() + 1);
                    let j = rng.below(other.len() + 1);
                    data.splice(i..i, other[j..].iter().take(200).copied());
                }
            }
        }
        let report = engine.process(&data);
        assert!((0.0..=100.0).contains(&report.score));
        runs += 1;
    }
    assert_eq!(runs, 3000);
}

#[test]
fn empty_and_degenerate_inputs_get_a_report() {
    let engine = Engine::new();
    for input in [
        &b""[..],
        b"\n",
        b"From \n",
        b":",
        b"From: \n\n",
        &[0u8; 64][..],
    ] {
        let r = engine.score(input);
        assert!((0.0..=100.0).contains(&r.score));
    }
}
