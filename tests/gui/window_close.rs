//! Closing the app's window the way a window manager does when its close
//! button is clicked: the ICCCM `WM_DELETE_WINDOW` message sent to the
//! window on the test's X display. GTK turns it into the window's close
//! request (Tauri's `CloseRequested`), the path a person's click takes.
//! No window manager runs on the test display, so the message is sent
//! directly through the system's libX11 (loaded at run time; GTK needs it
//! anyway). WebDriver's "close window" would not do: it destroys the web
//! view without asking the window.

use std::ffi::{c_char, c_int, c_long, c_ulong, c_void, CStr, CString};

use crate::harness::Env;
use crate::native_dialog::windows_titled;

/// X11's `XClientMessageEvent`, inside the 24-long `XEvent` union.
#[repr(C)]
#[derive(Clone, Copy)]
struct ClientMessage {
    kind: c_int,
    serial: c_ulong,
    send_event: c_int,
    display: *mut c_void,
    window: c_ulong,
    message_type: c_ulong,
    format: c_int,
    data: [c_long; 5],
}

#[repr(C)]
union XEvent {
    client: ClientMessage,
    pad: [c_long; 24],
}

const CLIENT_MESSAGE: c_int = 33;

unsafe fn symbol<T: Copy>(lib: *mut c_void, name: &CStr) -> T {
    let p = libc::dlsym(lib, name.as_ptr());
    assert!(!p.is_null(), "libX11 has no {name:?}");
    std::mem::transmute_copy(&p)
}

/// Ask the window titled `title` to close, as its close button would.
pub(crate) fn request_close(env: &Env, title: &str) {
    let windows = windows_titled(&env.xvfb.display, title);
    assert!(!windows.is_empty(), "no window titled {title:?} is shown");
    unsafe {
        let lib = libc::dlopen(c"libX11.so.6".as_ptr(), libc::RTLD_NOW);
        assert!(!lib.is_null(), "libX11.so.6 cannot be loaded");
        let open: extern "C" fn(*const c_char) -> *mut c_void = symbol(lib, c"XOpenDisplay");
        let intern: extern "C" fn(*mut c_void, *const c_char, c_int) -> c_ulong = symbol(lib, c"XInternAtom");
        let send: extern "C" fn(*mut c_void, c_ulong, c_int, c_long, *mut XEvent) -> c_int = symbol(lib, c"XSendEvent");
        let flush: extern "C" fn(*mut c_void) -> c_int = symbol(lib, c"XFlush");
        let close: extern "C" fn(*mut c_void) -> c_int = symbol(lib, c"XCloseDisplay");
        let name = CString::new(env.xvfb.display.clone()).unwrap();
        let display = open(name.as_ptr());
        assert!(!display.is_null(), "cannot open the X display {}", env.xvfb.display);
        let protocols = intern(display, c"WM_PROTOCOLS".as_ptr(), 0);
        let delete = intern(display, c"WM_DELETE_WINDOW".as_ptr(), 0);
        for w in windows {
            let window: c_ulong = w.parse().expect("an X window id");
            let mut event = XEvent { pad: [0; 24] };
            event.client = ClientMessage {
                kind: CLIENT_MESSAGE,
                serial: 0,
                send_event: 1,
                display,
                window,
                message_type: protocols,
                format: 32,
                data: [delete as c_long, 0, 0, 0, 0],
            };
            assert!(send(display, window, 0, 0, &mut event) != 0, "XSendEvent failed");
        }
        flush(display);
        close(display);
    }
}
