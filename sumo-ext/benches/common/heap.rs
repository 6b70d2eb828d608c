//! A counting global allocator for the benchmarks: live heap bytes, their
//! peak, and what was allocated, leaving out the loopback server's thread
//! so that the figures are the client's. A bench declares
//! `#[global_allocator] static GLOBAL: heap::Counting = heap::Counting;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering::Relaxed};

/// Counts the live heap bytes of every thread but the loopback server's.
pub struct Counting;

pub static CURRENT: AtomicIsize = AtomicIsize::new(0);
pub static PEAK: AtomicIsize = AtomicIsize::new(0);
pub static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
pub static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

fn grow(bytes: usize) {
    let now = CURRENT.fetch_add(bytes as isize, Relaxed) + bytes as isize;
    PEAK.fetch_max(now, Relaxed);
    ALLOCATED.fetch_add(bytes, Relaxed);
    ALLOCATIONS.fetch_add(1, Relaxed);
}

fn shrink(bytes: usize) {
    CURRENT.fetch_sub(bytes as isize, Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; the counters are
// atomics, and the thread-local flag is a const-initialised `Cell` that
// neither allocates nor has a destructor.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && !super::on_server_thread() {
            grow(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() && !super::on_server_thread() {
            grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if !super::on_server_thread() {
            shrink(layout.size());
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && !super::on_server_thread() {
            shrink(layout.size());
            grow(new_size);
        }
        p
    }
}

/// Starts a measurement: the peak is reset to the live bytes now, which
/// are returned as the baseline.
pub fn reset_peak() -> isize {
    let now = CURRENT.load(Relaxed);
    PEAK.store(now, Relaxed);
    now
}
