//! Route registration that records every (method, path) next to the router it builds: the one source of truth
//! for what the application answers. The authorization matrix and the CSRF sweep walk `route_table()`, so a
//! route added without its test entries makes them fail.
//!
//! Use it like axum's own: `Routes::new().route("/x", get(show).post(save))`, with `get`/`post` from here.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;

use nintei_app::state::AppState;

/// One registered route: the method and the path pattern as the router matches it (`/organizations/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RouteInfo {
    pub method: Method,
    pub path: &'static str,
}

impl RouteInfo {
    /// The JSON API (bearer tokens) as opposed to browser screens (cookies, forms, CSRF tokens).
    pub fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }

    /// Anything but GET/HEAD/OPTIONS: needs a CSRF token when it is a browser route.
    pub fn changes_state(&self) -> bool {
        !matches!(self.method, Method::GET | Method::HEAD | Method::OPTIONS)
    }

    /// `{name}` parameters of the path, in order.
    pub fn params(&self) -> Vec<&'static str> {
        self.path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect()
    }
}

impl std::fmt::Display for RouteInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// The handlers of one path by method, remembering which methods they are.
pub struct MethodRoutes {
    methods: Vec<Method>,
    inner: MethodRouter<AppState>,
}

macro_rules! method_fns {
    ($($name:ident => $method:ident),* $(,)?) => {
        $(
            #[doc = concat!("A `", stringify!($method), "` handler (like `axum::routing::", stringify!($name), "`).")]
            pub fn $name<H, T>(handler: H) -> MethodRoutes
            where
                H: Handler<T, AppState>,
                T: 'static,
            {
                MethodRoutes {
                    methods: vec![Method::$method],
                    inner: axum::routing::$name(handler),
                }
            }
        )*

        impl MethodRoutes {
            $(
                #[doc = concat!("Adds a `", stringify!($method), "` handler for the same path.")]
                pub fn $name<H, T>(mut self, handler: H) -> MethodRoutes
                where
                    H: Handler<T, AppState>,
                    T: 'static,
                {
                    self.methods.push(Method::$method);
                    self.inner = self.inner.$name(handler);
                    self
                }
            )*
        }
    };
}

method_fns!(get => GET, post => POST, put => PUT, patch => PATCH, delete => DELETE);

/// A router under construction together with its table of routes.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    pub fn route(mut self, path: &'static str, methods: MethodRoutes) -> Routes {
        self.table.extend(methods.methods.iter().map(|m| RouteInfo {
            method: m.clone(),
            path,
        }));
        self.router = self.router.route(path, methods.inner);
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.table.extend(other.table);
        self.router = self.router.merge(other.router);
        self
    }

    pub fn table(&self) -> &[RouteInfo] {
        &self.table
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
