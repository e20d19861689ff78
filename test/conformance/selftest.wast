;; test/conformance/selftest.wast: tests of the conformance harness itself,
;; run like a spec file (run.ts: SELFTEST). Owns what the spec files do not
;; reach: a real stack overflow turned into the exhaustion trap, the memory
;; context switch between live modules, both guard regions, and a value
;; crossing an indirect call bit for bit.

;; Two live modules, each with its own memory at the same fixed base.
(module $A
  (memory 1 4)
  (data (i32.const 0) "AAAA")
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
)
(module $B
  (memory 2)
  (data (i32.const 0) "BBBB")
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
)
(assert_return (invoke $A "load" (i32.const 0)) (i32.const 0x41414141))
(assert_return (invoke $B "load" (i32.const 0)) (i32.const 0x42424242))
(invoke $A "store" (i32.const 100) (i32.const 0x11111111))
(invoke $B "store" (i32.const 100) (i32.const 0x22222222))
(assert_return (invoke $A "load" (i32.const 100)) (i32.const 0x11111111))
(assert_return (invoke $B "load" (i32.const 100)) (i32.const 0x22222222))
;; B's second page is not A's: A traps there until it grows, and then reads zero.
(assert_return (invoke $B "load" (i32.const 70000)) (i32.const 0))
(invoke $B "store" (i32.const 70000) (i32.const 0x33333333))
(assert_trap (invoke $A "load" (i32.const 70000)) "out of bounds memory access")
(assert_return (invoke $A "grow" (i32.const 2)) (i32.const 1))
(assert_return (invoke $A "load" (i32.const 70000)) (i32.const 0))
(assert_return (invoke $A "size") (i32.const 3))
(assert_return (invoke $B "size") (i32.const 2))
(assert_return (invoke $B "load" (i32.const 70000)) (i32.const 0x33333333))
(assert_trap (invoke $B "load" (i32.const 0x20000)) "out of bounds memory access")
(assert_return (invoke $A "load" (i32.const 0x2fffc)) (i32.const 0))
(assert_trap (invoke $A "load" (i32.const 0x2fffd)) "out of bounds memory access")
(assert_return (invoke $A "grow" (i32.const 2)) (i32.const -1))
;; Both guards: below the base (addresses near 2^32) and far above the memory.
(assert_trap (invoke $A "load" (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke $A "load" (i32.const -4096)) "out of bounds memory access")
(assert_trap (invoke $A "load" (i32.const 0xc0000000)) "out of bounds memory access")
(assert_trap (invoke $A "load" (i32.const 0x80000000)) "out of bounds memory access")
(assert_trap (invoke $A "load" (i32.const 0x8ffffff0)) "out of bounds memory access")
(assert_trap (invoke $A "store" (i32.const 0x40000000) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke $A "load" (i32.const 0)) (i32.const 0x41414141))
(assert_return (invoke $B "load" (i32.const 0)) (i32.const 0x42424242))

;; A third module instantiated after the others takes the base, and the
;; first two still have their contents when they are called again.
(module $C
  (memory 1)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  ;; Not in tail position, and xor is not an accumulator gcc's tail-recursion
  ;; elimination knows: a real stack overflow, into the guard page.
  (func $deep (export "deep") (param i32) (result i32)
    (i32.xor (call $deep (i32.add (local.get 0) (i32.const 1))) (local.get 0)))
  (func (export "dead-load") (param i32) (drop (i64.load offset=8 (local.get 0))))
)
(assert_return (invoke $C "load" (i32.const 100)) (i32.const 0))
(assert_exhaustion (invoke $C "deep" (i32.const 0)) "call stack exhausted")
(assert_return (invoke $C "load" (i32.const 0)) (i32.const 0))
(assert_trap (invoke $C "dead-load" (i32.const 65530)) "out of bounds memory access")
(assert_trap (invoke $C "dead-load" (i32.const -8)) "out of bounds memory access")
(assert_return (invoke $A "load" (i32.const 100)) (i32.const 0x11111111))
(assert_return (invoke $B "load" (i32.const 100)) (i32.const 0x22222222))

;; Values cross the harness as bits: a signalling NaN comes back unchanged
;; from a direct call, and (see EXCLUSIONS) not from an indirect one.
(module $D
  (type $ff (func (param f32) (result f32)))
  (table funcref (elem $id))
  (func $id (param f32) (result f32) (local.get 0))
  (func (export "direct-f32") (param f32) (result f32) (call $id (local.get 0)))
  (func (export "id-f64") (param f64) (result f64) (local.get 0))
  (func (export "indirect-f32") (param f32) (result f32)
    (call_indirect (type $ff) (local.get 0) (i32.const 0)))
)
(assert_return (invoke $D "direct-f32" (f32.const nan:0x200000)) (f32.const nan:0x200000))
(assert_return (invoke $D "id-f64" (f64.const -nan:0x4000000000000)) (f64.const -nan:0x4000000000000))
(assert_return (invoke $D "indirect-f32" (f32.const nan:0x200000)) (f32.const nan:0x200000))
(assert_return (invoke $D "indirect-f32" (f32.const nan:0x400000)) (f32.const nan:0x400000))
