//! A seeded, realistic demo shop: orders, deliveries, survey answers and
//! support contacts that depend on each other the way real ones do.
//!
//! Customers follow the BG/NBD story (Fader, Hardie & Lee 2005): each has a
//! purchase rate λ ~ Gamma(r, 1/α) per day and, after every purchase, drops
//! out with probability p ~ Beta(a, b) — raised after a late delivery, so
//! bad experiences cost customers. Deliveries are late at a carrier's own
//! rate; survey answers react to lateness and to unresolved contacts; late
//! deliveries make contacts more likely, and some cases need a second
//! contact on another channel.

use std::fmt::Write as _;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Beta, Distribution, Exp, Gamma, Normal};

/// The four tables as CSV text.
pub struct DemoShop {
    /// `order_id,customer,date,amount`
    pub orders: String,
    /// `order_id,customer,carrier,promised,delivered`
    pub deliveries: String,
    /// `customer,date,nps,csat,expected_<touchpoint>,perceived_<touchpoint>…`
    pub feedback: String,
    /// `contact_id,customer,case,channel,received,answered,resolved`
    pub contacts: String,
}

/// Touchpoints rated (1–7) in the survey's expectation and perception blocks.
pub const TOUCHPOINTS: [&str; 5] = ["website", "delivery", "packaging", "support", "price"];

/// Mean expectation (1–7) per touchpoint.
const EXPECTED: [f64; 5] = [6.0, 6.3, 5.2, 5.9, 5.5];
const CARRIERS: [(&str, f64); 3] = [("parcelco", 0.08), ("swiftpost", 0.22), ("bikecourier", 0.04)];
const CHANNELS: [(&str, f64); 3] = [("chat", 0.4), ("email", 0.35), ("phone", 0.25)];

fn day(start: NaiveDate, d: f64) -> NaiveDate {
    start + Duration::days(d.floor() as i64)
}

fn at(start: NaiveDate, d: f64) -> NaiveDateTime {
    start.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::seconds((d * 86_400.0).round() as i64)
}

fn pick<'a>(rng: &mut StdRng, table: &[(&'a str, f64)]) -> (&'a str, f64) {
    let total: f64 = table.iter().map(|t| t.1).sum();
    let mut u = rng.random::<f64>() * total;
    for &(name, w) in table {
        if u < w {
            return (name, w);
        }
        u -= w;
    }
    table[table.len() - 1]
}

fn clamp_round(x: f64, lo: f64, hi: f64) -> f64 {
    x.round().clamp(lo, hi)
}

/// Generates `customers` customers over two years (2023-01-01 to
/// 2024-12-31) from `seed`. The same seed gives the same shop.
pub fn generate(customers: usize, seed: u64) -> DemoShop {
    let mut rng = StdRng::seed_from_u64(seed);
    let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default();
    let horizon = 731.0; // to 2024-12-31 inclusive
    // The distributions' parameters are constants known to be valid.
    let rate = Gamma::new(0.9, 1.0 / 40.0).expect("valid gamma");
    let dropout = Beta::new(0.8, 4.0).expect("valid beta");
    let spend = Gamma::new(6.0, 8.0).expect("valid gamma");
    let noise = Normal::new(0.0, 1.1).expect("valid normal");
    let mood = Normal::new(8.0, 1.4).expect("valid normal");

    let mut o = String::from("order_id,customer,date,amount\n");
    let mut d = String::from("order_id,customer,carrier,promised,delivered\n");
    let mut f = String::from("customer,date,nps,csat");
    for t in TOUCHPOINTS {
        let _ = write!(f, ",expected_{t},perceived_{t}");
    }
    f.push('\n');
    let mut c = String::from("contact_id,customer,case,channel,received,answered,resolved\n");
    let (mut order_id, mut contact_id, mut case_id) = (0u64, 0u64, 0u64);
    let fmt_dt = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S").to_string();

    for i in 0..customers {
        let id = format!("C{:05}", i + 1);
        let lam: f64 = rate.sample(&mut rng);
        let lam = lam.max(1e-4);
        let mut p: f64 = dropout.sample(&mut rng);
        let base = mood.sample(&mut rng);
        let wait = Exp::new(lam).expect("positive rate");
        let mut now = rng.random::<f64>() * (horizon - 30.0);
        let mut unresolved = false;
        let first_order = order_id + 1;
        loop {
            order_id += 1;
            let amount: f64 = spend.sample(&mut rng);
            let amount = (amount * 100.0).round() / 100.0 + 5.0;
            let _ = writeln!(o, "O{order_id:06},{id},{},{amount:.2}", day(start, now));
            let (carrier, late_rate) = pick(&mut rng, &CARRIERS);
            let promised = now.floor() + f64::from(rng.random_range(2..=4u8));
            let late = rng.random::<f64>() < late_rate;
            let arrive = promised
                + if late {
                    f64::from(rng.random_range(1..=6u8))
                } else {
                    -f64::from(rng.random_range(0..=1u8))
                };
            let delivered = (arrive < horizon).then(|| day(start, arrive).to_string());
            let _ = writeln!(
                d,
                "O{order_id:06},{id},{carrier},{},{}",
                day(start, promised),
                delivered.unwrap_or_default()
            );

            // Support contacts: more likely after a late delivery.
            if rng.random::<f64>() < if late { 0.55 } else { 0.08 } {
                case_id += 1;
                let mut t = arrive.min(horizon - 1.0) + rng.random::<f64>() * 2.0;
                let mut channel = pick(&mut rng, &CHANNELS).0;
                for attempt in 0..3 {
                    if t >= horizon {
                        break;
                    }
                    contact_id += 1;
                    let answer_hours = match channel {
                        "chat" => rng.random_range(0.02..0.3),
                        "phone" => rng.random_range(0.0..0.2),
                        _ => rng.random_range(1.0..40.0),
                    };
                    let answered = t + answer_hours / 24.0;
                    let mut solved = rng.random::<f64>() < if attempt == 0 { 0.68 } else { 0.8 };
                    let mut resolved = answered + rng.random_range(0.01..1.5);
                    // The third contact of a case gets it closed, after a while,
                    // unless it came in the last three weeks.
                    if !solved && attempt == 2 && t < horizon - 21.0 {
                        solved = true;
                        resolved = answered + rng.random_range(2.0..10.0);
                    }
                    let open = !solved && attempt == 2 || solved && resolved >= horizon;
                    let _ = writeln!(
                        c,
                        "K{contact_id:06},{id},S{case_id:05},{channel},{},{},{}",
                        fmt_dt(at(start, t)),
                        if answered < horizon {
                            fmt_dt(at(start, answered))
                        } else {
                            String::new()
                        },
                        if solved && !open {
                            fmt_dt(at(start, resolved))
                        } else {
                            String::new()
                        }
                    );
                    if solved || open {
                        unresolved |= open;
                        break;
                    }
                    t = answered + rng.random_range(1.0..4.0);
                    let others: Vec<(&str, f64)> =
                        CHANNELS.iter().copied().filter(|x| x.0 != channel).collect();
                    channel = pick(&mut rng, &others).0;
                }
            }

            // A survey after some deliveries, reacting to the experience.
            if rng.random::<f64>() < 0.35 {
                let when = arrive + 1.0 + rng.random::<f64>() * 3.0;
                if when < horizon {
                    let nps = clamp_round(
                        base + noise.sample(&mut rng)
                            - if late { 3.0 } else { 0.0 }
                            - if unresolved { 2.0 } else { 0.0 },
                        0.0,
                        10.0,
                    );
                    let csat = clamp_round((nps + 2.5) / 2.5, 1.0, 5.0);
                    let _ = write!(f, "{id},{},{nps},{csat}", day(start, when));
                    let rated = rng.random::<f64>() < 0.4;
                    for (k, tp) in TOUCHPOINTS.iter().enumerate() {
                        if rated {
                            let expected = clamp_round(EXPECTED[k] + noise.sample(&mut rng) * 0.6, 1.0, 7.0);
                            let hit = match *tp {
                                "delivery" if late => -2.5,
                                "support" if unresolved => -2.0,
                                "price" => -0.8,
                                "website" => 0.3,
                                _ => -0.2,
                            };
                            let perceived = clamp_round(
                                expected + hit + (base - 8.0) * 0.4 + noise.sample(&mut rng) * 0.7,
                                1.0,
                                7.0,
                            );
                            let _ = write!(f, ",{expected},{perceived}");
                        } else {
                            f.push_str(",,");
                        }
                    }
                    f.push('\n');
                }
            }

            if late {
                p = (p + 0.15).min(1.0);
            }
            // BG/NBD: a customer may drop out after each repeat purchase.
            if order_id > first_order && rng.random::<f64>() < p {
                break;
            }
            now += wait.sample(&mut rng).max(1.0);
            if now >= horizon {
                break;
            }
        }
    }
    DemoShop {
        orders: o,
        deliveries: d,
        feedback: f,
        contacts: c,
    }
}
