//! Work on many files spread over every core, and done in the calling
//! thread when there are few (one decision's file must not pay for
//! starting threads).

use std::ops::Range;

use git2::Repository;

/// Below this many items the work is done in the calling thread.
const FEW: usize = 32;

/// `f(i)` for every `i` in `0..n`, in order; on every core when `n` is
/// not small.
pub(crate) fn each<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    if n < FEW {
        return (0..n).map(f).collect();
    }
    crate::agreement::interval::on_every_core(n, f)
}

/// How many threads wait on the disk at once in [`each_waiting`].
const WAITING: usize = 8;

/// `f(item)` for every one of `items`, handed over, results in order: for
/// work that mostly waits on the disk rather than computes, on more
/// threads than cores, so that the disk is given many requests at once.
pub(crate) fn each_waiting<I: Send, T: Send>(items: Vec<I>, f: impl Fn(I) -> T + Sync) -> Vec<T> {
    if items.len() < FEW {
        return items.into_iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(WAITING);
    let mut items = items.into_iter();
    let parts: Vec<Vec<I>> = std::iter::from_fn(|| {
        let part: Vec<I> = items.by_ref().take(chunk).collect();
        (!part.is_empty()).then_some(part)
    })
    .collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| {
                let f = &f;
                scope.spawn(move || part.into_iter().map(f).collect::<Vec<T>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// `f(repo, part)` for consecutive parts of `0..n`, one part per core,
/// each thread with a repository handle of its own opened on `repo`'s git
/// folder (a `git2::Repository` is not `Sync`); the parts' results joined
/// in order. Few items: one part, on `repo` itself.
pub(crate) fn each_with_repo<T: Send, E: Send + From<git2::Error>>(
    repo: &Repository,
    n: usize,
    f: impl Fn(&Repository, Range<usize>) -> Result<Vec<T>, E> + Sync,
) -> Result<Vec<T>, E> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    if threads < 2 || n < FEW {
        return f(repo, 0..n);
    }
    let chunk = n.div_ceil(threads);
    let git_dir = repo.path().to_path_buf();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| {
                let (git_dir, f) = (&git_dir, &f);
                scope.spawn(move || f(&Repository::open(git_dir)?, start..(start + chunk).min(n)))
            })
            .collect();
        let mut all = Vec::with_capacity(n);
        for h in handles {
            all.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))?);
        }
        Ok(all)
    })
}
