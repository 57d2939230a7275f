//! Criterion benchmarks of the agreement engine on a seeded synthetic study
//! (100 transcripts of 60,000 characters, 3 coders, 150 excerpts each per
//! transcript: a tenth of the large study of docs/performance.md, so that
//! criterion's many iterations stay short). Run: `cargo bench --bench agreement`.

use criterion::{Criterion, criterion_group, criterion_main};

use concord::agreement::input::Input;
use concord::agreement::report::{Measures, report};
use concord::align::review_units;
use concord::sample::synthetic::{Params, synthetic_study};
use concord::study;

fn benches(c: &mut Criterion) {
    let files = synthetic_study(&Params {
        transcripts: 100,
        chars: 60_000,
        coders: 3,
        excerpts: 150,
        seed: 1,
    });
    let loaded = study::check(&files);
    assert!(loaded.problems.is_empty());
    let input = Input::from_study(&loaded.study);
    let mut g = c.benchmark_group("100 transcripts x 60k chars, 3 coders");
    g.sample_size(10);
    g.bench_function("load and check", |b| b.iter(|| study::check(&files)));
    g.bench_function("input from study", |b| {
        b.iter(|| Input::from_study(&loaded.study))
    });
    g.bench_function("all measures", |b| b.iter(|| report(&input, Measures::ALL)));
    for (name, m) in [
        (
            "character",
            Measures {
                character: true,
                segment: false,
                alpha: false,
                turn: false,
            },
        ),
        (
            "segment",
            Measures {
                character: false,
                segment: true,
                alpha: false,
                turn: false,
            },
        ),
        (
            "alpha",
            Measures {
                character: false,
                segment: false,
                alpha: true,
                turn: false,
            },
        ),
        (
            "turn",
            Measures {
                character: false,
                segment: false,
                alpha: false,
                turn: true,
            },
        ),
    ] {
        g.bench_function(name, |b| b.iter(|| report(&input, m)));
    }
    g.bench_function("review units", |b| b.iter(|| review_units(&loaded.study)));
    g.finish();
}

criterion_group!(agreement, benches);
criterion_main!(agreement);
