//! The one macro that turns the operation table in [`ops`](super::ops) into types.
//!
//! Each table row is:
//!
//! ```text
//! /// docs
//! safe Name = IORING_OP_X [fd field] [@sqe128] { required: Type, … } { optional: Type = default, … }
//!     [unsafe { pointer_option: Type = default, … }]
//!     |s, sqe| { fill through crate::prep }
//! unsafe("what the caller must keep valid") Name = …
//! ```
//!
//! and becomes `pub struct Name` with a constructor taking the required fields
//! (`unsafe fn new` for `unsafe(...)` rows), one builder method per optional field
//! (`unsafe` for the pointer options), the common builders (`user_data`, `sqe_flags`,
//! `link`, `hardlink`, `drain`, `force_async`, `skip_success`, `personality`,
//! `buf_group`, `fixed_file`) and a [`PrepSqe`](super::PrepSqe) impl that runs the fill,
//! sets `IOSQE_FIXED_FILE` when the `[fd field]` is a [`Fixed`](super::Fixed) index, and
//! applies the common options.
//!
//! Where the obligation sits: an operation that can carry a pointer (an `unsafe(...)`
//! row, or a row with `unsafe { … }` options) is neither `Copy` nor `Clone`, and
//! [`push`](crate::IoUring::push) consumes it, so the promise its `unsafe` constructor or
//! setter made covers exactly the one submission it becomes. Pointer-free rows are
//! `Copy` and [`SafeOp`](super::SafeOp): they can be pushed by reference, any number
//! of times, without `unsafe`.

/// See the module docs.
macro_rules! define_ops {
    ($(
        $(#[$meta:meta])*
        $safety:ident $(($sdoc:literal))? $name:ident = $code:ident $([fd $fdf:ident])? $(@ $big:ident)?
        { $( $(#[$rmeta:meta])* $req:ident : $rty:ty ),* $(,)? }
        { $( $(#[$ometa:meta])* $opt:ident : $oty:ty = $odef:expr ),* $(,)? }
        $( unsafe { $( $(#[$umeta:meta])* $uopt:ident : $uty:ty = $udef:expr ),* $(,)? } )?
        |$s:ident, $q:ident $(, $aux:ident)?| $body:block
    )*) => {
        $(
            $(#[$meta])*
            #[derive(Debug)]
            #[must_use = "an operation does nothing until it is pushed to a ring"]
            pub struct $name {
                $( $req: $rty, )*
                $( $opt: $oty, )*
                $( $( $uopt: $uty, )* )?
                opts: SqeOpts,
            }

            impl $name {
                /// The kernel opcode.
                pub const CODE: u8 = sys::$code;

                define_ops!(@ctor $safety $(($sdoc))? $name { $($req : $rty),* } { $($opt = $odef),* } { $( $($uopt = $udef),* )? });

                $(
                    $(#[$ometa])*
                    #[inline]
                    pub fn $opt(mut self, $opt: $oty) -> Self {
                        self.$opt = $opt;
                        self
                    }
                )*

                $( $(
                    $(#[$umeta])*
                    ///
                    /// # Safety
                    /// The memory this points to must stay valid (and not be accessed by
                    /// anything else where the kernel writes it) until the operation
                    /// completes. Such an operation is not `Copy`: the promise covers the
                    /// one submission it is pushed as.
                    #[inline]
                    pub unsafe fn $uopt(mut self, $uopt: $uty) -> Self {
                        self.$uopt = $uopt;
                        self
                    }
                )* )?

                common_builders!();
            }

            // SAFETY: the fill writes only the fields given to the (unsafe, where the
            // kernel dereferences them) constructor and setters, through crate::prep.
            unsafe impl PrepSqe for $name {
                const OPCODE: u8 = sys::$code;
                $( const SQE128: bool = define_ops!(@big $big); )?
                $( const SLOT_TS: bool = define_ops!(@aux $aux); )?

                #[inline]
                fn prep(&self, sqe: &mut io_uring_sqe) {
                    self.fill(sqe, None)
                }

                #[inline]
                fn prep_slot(&self, sqe: &mut io_uring_sqe, aux: &mut Timespec) {
                    self.fill(sqe, Some(aux))
                }
            }

            impl $name {
                /// The fill, with the slot's spare timespec when the SQE is a ring slot.
                #[inline(always)]
                fn fill(&self, sqe: &mut io_uring_sqe, _aux: Option<&mut Timespec>) {
                    {
                        let $s = self;
                        let $q = &mut *sqe;
                        $( let $aux = _aux; )?
                        $body
                    }
                    $( if self.$fdf.is_fixed() { sqe.flags |= sys::IOSQE_FIXED_FILE; } )?
                    self.opts.apply(sqe);
                }
            }
        )*

        $( define_ops!(@pure $safety [$( $($uopt)* )?] $name); )*

        /// Every opcode the typed operations cover, in opcode order of the table.
        pub const ALL_OPCODES: &[u8] = &[$(sys::$code),*];
    };

    (@big sqe128) => { true };
    (@aux $aux:ident) => { true };

    // Pointer-free: copyable, and pushable by reference without `unsafe`.
    (@pure safe [] $name:ident) => {
        impl Clone for $name {
            #[inline]
            fn clone(&self) -> Self {
                *self
            }
        }
        impl Copy for $name {}
        // SAFETY: a `safe` row without pointer options: its SQE names no memory.
        unsafe impl super::SafeOp for $name {}
    };
    (@pure $safety:ident [$($uopt:ident)*] $name:ident) => {};

    (@ctor safe $name:ident { $($req:ident : $rty:ty),* } { $($opt:ident = $odef:expr),* } { $($uopt:ident = $udef:expr),* }) => {
        #[doc = concat!("Creates the operation from its required fields (", $("`", stringify!($req), "` ",)* ").")]
        #[inline]
        #[allow(clippy::new_without_default)]
        pub fn new($($req: impl IntoArg<$rty>),*) -> Self {
            $name {
                $( $req: $req.into_arg(), )*
                $( $opt: $odef, )*
                $( $uopt: $udef, )*
                opts: SqeOpts::default(),
            }
        }
    };

    (@ctor unsafe ($sdoc:literal) $name:ident { $($req:ident : $rty:ty),* } { $($opt:ident = $odef:expr),* } { $($uopt:ident = $udef:expr),* }) => {
        #[doc = concat!("Creates the operation from its required fields (", $("`", stringify!($req), "` ",)* ").")]
        ///
        /// # Safety
        #[doc = $sdoc]
        /// The value is not `Copy`: the promise covers the one submission it is pushed as.
        #[inline]
        pub unsafe fn new($($req: impl IntoArg<$rty>),*) -> Self {
            $name {
                $( $req: $req.into_arg(), )*
                $( $opt: $odef, )*
                $( $uopt: $udef, )*
                opts: SqeOpts::default(),
            }
        }
    };
}

/// The builder methods every operation has (they set the [`SqeOpts`](super::sqe::SqeOpts)).
macro_rules! common_builders {
    () => {
        /// Sets `user_data`, returned in the completion. The top bit
        /// ([`RESERVED_USER_DATA_BIT`](crate::RESERVED_USER_DATA_BIT)) is cleared.
        #[inline]
        pub fn user_data(mut self, user_data: u64) -> Self {
            self.opts.user_data = user_data & !RESERVED_USER_DATA_BIT;
            self
        }

        /// Adds `IOSQE_*` flags.
        #[inline]
        pub fn sqe_flags(mut self, flags: SqeFlags) -> Self {
            self.opts.flags |= flags.bits();
            self
        }

        /// `IOSQE_IO_LINK`: the next submission starts only after this one succeeds.
        #[inline]
        pub fn link(self) -> Self {
            self.sqe_flags(SqeFlags::IO_LINK)
        }

        /// `IOSQE_IO_HARDLINK`: like [`link`](Self::link), but the chain goes on after
        /// a failure.
        #[inline]
        pub fn hardlink(self) -> Self {
            self.sqe_flags(SqeFlags::IO_HARDLINK)
        }

        /// `IOSQE_IO_DRAIN`: start only after all earlier submissions completed.
        #[inline]
        pub fn drain(self) -> Self {
            self.sqe_flags(SqeFlags::IO_DRAIN)
        }

        /// `IOSQE_ASYNC`: go straight to an async worker.
        #[inline]
        pub fn force_async(self) -> Self {
            self.sqe_flags(SqeFlags::ASYNC)
        }

        /// `IOSQE_CQE_SKIP_SUCCESS`: post no completion on success.
        #[inline]
        pub fn skip_success(self) -> Self {
            self.sqe_flags(SqeFlags::CQE_SKIP_SUCCESS)
        }

        /// `IOSQE_FIXED_FILE`: the file argument is a registered-file index (passing a
        /// [`Fixed`](crate::Fixed) target does this by itself).
        #[inline]
        pub fn fixed_file(self) -> Self {
            self.sqe_flags(SqeFlags::FIXED_FILE)
        }

        /// Runs the operation with the credentials registered as `personality`.
        #[inline]
        pub fn personality(mut self, personality: u16) -> Self {
            self.opts.personality = personality;
            self
        }

        /// `IOSQE_BUFFER_SELECT` from buffer group `group`: the kernel picks a provided
        /// buffer (see [`BufRing`](crate::BufRing)) and reports it in the completion.
        #[inline]
        pub fn buf_group(mut self, group: u16) -> Self {
            self.opts.buf_group = group;
            self.sqe_flags(SqeFlags::BUFFER_SELECT)
        }
    };
}
