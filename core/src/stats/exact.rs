//! Exact linear algebra for the disclosure audit: is a vector in the span of
//! some rows? Integer rows, fraction-free elimination, each row divided by
//! the gcd of its entries after every step so entries stay small. No floating
//! point: a rounding error here would publish a recoverable count.
//!
//! The rows are 0/1 indicator vectors of sets of cells; their minors are tiny
//! (a two-way table's margin matrix is totally unimodular), so `i128` does not
//! overflow in practice. If it ever did, the caller is told and must assume
//! the worst.

/// Arithmetic left `i128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflow;

/// Rows in reduced row echelon form (each pivot column zero in every other row).
#[derive(Debug, Clone)]
pub(crate) struct Echelon {
    rows: Vec<(usize, Vec<i128>)>,
    width: usize,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// Divides by the gcd and makes the first non-zero entry positive.
fn normalise(row: &mut [i128]) {
    // The gcd of 0/±1 rows is found at their first ±1: stop there.
    let mut g = 0i128;
    for &x in row.iter() {
        if x != 0 {
            g = gcd(g, x);
            if g == 1 {
                break;
            }
        }
    }
    if g > 1 {
        row.iter_mut().for_each(|x| *x /= g);
    }
    if row.iter().find(|&&x| x != 0).is_some_and(|&x| x < 0) {
        row.iter_mut().for_each(|x| *x = -*x);
    }
}

/// `target := target * p - pivot * t` where `p = pivot[col]`, `t = target[col]`,
/// which zeroes `target[col]`.
fn eliminate(target: &mut [i128], pivot: &[i128], col: usize) -> Result<(), Overflow> {
    let t = target[col];
    if t == 0 {
        return Ok(());
    }
    let p = pivot[col];
    let g = gcd(p, t);
    let (p, t) = (p / g, t / g);
    if p == 1 {
        // `x * 1 - 0 * t` is `x`: only the pivot's non-zero entries change
        // anything (the usual case: 0/±1 rows, a pivot of 1).
        for (x, &y) in target.iter_mut().zip(pivot) {
            if y != 0 {
                let b = y.checked_mul(t).ok_or(Overflow)?;
                *x = x.checked_sub(b).ok_or(Overflow)?;
            }
        }
    } else {
        for (x, &y) in target.iter_mut().zip(pivot) {
            let a = x.checked_mul(p).ok_or(Overflow)?;
            let b = y.checked_mul(t).ok_or(Overflow)?;
            *x = a.checked_sub(b).ok_or(Overflow)?;
        }
    }
    normalise(target);
    Ok(())
}

impl Echelon {
    /// Gauss–Jordan elimination of `rows` (all of length `width`).
    pub(crate) fn new(mut rows: Vec<Vec<i128>>, width: usize) -> Result<Self, Overflow> {
        let mut done: Vec<(usize, Vec<i128>)> = Vec::new();
        let mut rank = 0;
        for col in 0..width {
            let Some(found) = (rank..rows.len()).find(|&r| rows[r][col] != 0) else {
                continue;
            };
            rows.swap(rank, found);
            let pivot = rows[rank].clone();
            // Rows before `rank` were pivots: `done` holds them (and keeps
            // them reduced); their copies here are never read again.
            for row in rows.iter_mut().skip(rank + 1) {
                eliminate(row, &pivot, col)?;
            }
            for (_, row) in done.iter_mut() {
                eliminate(row, &pivot, col)?;
            }
            done.push((col, pivot));
            rank += 1;
        }
        Ok(Self { rows: done, width })
    }

    /// Whether `v` is a linear combination of the rows.
    pub(crate) fn spans(&self, v: &[i128]) -> Result<bool, Overflow> {
        if v.len() != self.width {
            return Ok(false);
        }
        let mut v = v.to_vec();
        for (col, row) in &self.rows {
            eliminate(&mut v, row, *col)?;
        }
        Ok(v.iter().all(|&x| x == 0))
    }

    #[cfg(test)]
    pub(crate) fn rank(&self) -> usize {
        self.rows.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_total_minus_known_cells_spans_the_last_cell() {
        // Unknowns a, b; a + b known, b known → a known.
        let e = Echelon::new(vec![vec![1, 1], vec![0, 1]], 2).unwrap();
        assert!(e.spans(&[1, 0]).unwrap());
    }

    #[test]
    fn a_sum_alone_spans_neither_addend() {
        let e = Echelon::new(vec![vec![1, 1]], 2).unwrap();
        assert!(!e.spans(&[1, 0]).unwrap());
        assert!(e.spans(&[2, 2]).unwrap());
    }

    #[test]
    fn dependent_rows_do_not_raise_the_rank() {
        let e = Echelon::new(vec![vec![1, 1, 0], vec![0, 1, 1], vec![1, 2, 1]], 3).unwrap();
        assert_eq!(e.rank(), 2);
        assert!(e.spans(&[1, 0, -1]).unwrap());
        assert!(!e.spans(&[1, 0, 0]).unwrap());
    }
}
