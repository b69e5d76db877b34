//! Unit tests of the fitting machinery.

use super::hessian::invert_spd;

#[test]
fn spd_inverse() {
    let a = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
    let inv = invert_spd(&a).expect("spd");
    // [[3, -2], [-2, 4]] / 8
    assert!((inv[0][0] - 0.375).abs() < 1e-12);
    assert!((inv[0][1] + 0.25).abs() < 1e-12);
    assert!((inv[1][1] - 0.5).abs() < 1e-12);
    assert!(invert_spd(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
}
