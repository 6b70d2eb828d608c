//! What the generated client asks for, read from its source with `syn`: for
//! every operation, the `Client` method, the builder's setters with the type
//! each converts to, and what `send()` returns.
//!
//! The sweep passes every argument through `serde_json` into exactly the
//! setter's type, so the test compiles against the generated code as it is
//! (a setter's type changes with the spec, not with this module).

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::{
    Expr, GenericArgument, ImplItem, ImplItemFn, Item, ItemImpl, Lit, PathArguments, ReturnType,
    Type, TypeParamBound, WherePredicate,
};

/// One operation as the generated client exposes it.
#[derive(Clone)]
pub struct Builder {
    /// The `Client` method that starts the builder (`get_user`).
    pub method: syn::Ident,
    /// The `operation_id` of its `OperationInfo` (what a `Transport` sees).
    pub operation_id: String,
    /// The builder's setters, in source order (`_map` closures left out).
    pub setters: Vec<Setter>,
    /// What a successful `send()` holds.
    pub response: Response,
}

/// A setter: `pub fn id<V>(self, value: V) where V: TryInto<T>`.
#[derive(Clone)]
pub struct Setter {
    pub name: syn::Ident,
    /// `T`, as written in the generated code (`types::UserModel`).
    pub ty: Type,
}

impl Setter {
    /// The setter's name without `r#` or the trailing `_` progenitor adds
    /// to keywords (`type_`).
    pub fn plain_name(&self) -> String {
        let name = self.name.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name);
        name.trim_end_matches('_').to_string()
    }

    /// A raw body (`TryInto<reqwest::Body>`).
    pub fn is_raw_body(&self) -> bool {
        type_text(&self.ty) == "reqwest :: Body"
    }
}

/// The success value of `send()`.
#[derive(Clone)]
pub enum Response {
    /// A JSON body parsed into this type.
    Json(Box<Type>),
    /// Raw bytes (`ResponseValue<ByteStream>`).
    Bytes,
    /// No body (`ResponseValue<()>`).
    Empty,
}

/// `(METHOD, path)` → the builder, from one generated module's source.
pub type Builders = BTreeMap<(String, String), Builder>;

/// Reads every builder of a generated module's source.
#[cfg(test)]
pub fn read_builders(source: &str) -> anyhow::Result<Builders> {
    let file = syn::parse_file(source)
        .map_err(|e| anyhow::anyhow!("the generated code does not parse: {e}"))?;
    read_file(&file)
}

/// Reads every builder of a generated module's syntax tree.
pub fn read_file(file: &syn::File) -> anyhow::Result<Builders> {
    // Builder struct name → the `Client` method returning it.
    let mut methods = BTreeMap::new();
    let mut builder_items = None;
    for item in &file.items {
        match item {
            Item::Impl(imp)
                if imp.trait_.is_none() && self_name(imp).as_deref() == Some("Client") =>
            {
                for f in functions(imp) {
                    if let Some(builder) = returned_builder(f) {
                        methods.insert(builder, f.sig.ident.clone());
                    }
                }
            }
            Item::Mod(module) if module.ident == "builder" => {
                builder_items = module.content.as_ref().map(|(_, items)| items);
            }
            _ => {}
        }
    }
    let items = builder_items
        .ok_or_else(|| anyhow::anyhow!("the generated code has no `builder` module"))?;
    let mut builders = Builders::new();
    for item in items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let Some(name) = self_name(imp) else { continue };
        let Some(send) = functions(imp).find(|f| f.sig.ident == "send") else {
            continue;
        };
        let (method, path) = sends_to(send).ok_or_else(|| {
            anyhow::anyhow!(
                "builder::{name}::send has no \"Sends a `METHOD` request to `path`\" doc"
            )
        })?;
        let client_method = methods
            .get(&name)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("no `Client` method returns builder::{name}"))?;
        let operation_id = operation_id(send).ok_or_else(|| {
            anyhow::anyhow!("builder::{name}::send sets no OperationInfo operation_id")
        })?;
        let response = response_of(send).ok_or_else(|| {
            anyhow::anyhow!("builder::{name}::send does not return Result<ResponseValue<T>, _>")
        })?;
        let setters = functions(imp)
            .filter_map(|f| {
                setter_type(f).map(|ty| Setter {
                    name: f.sig.ident.clone(),
                    ty,
                })
            })
            .collect();
        let previous = builders.insert(
            (method.clone(), path.clone()),
            Builder {
                method: client_method,
                operation_id,
                setters,
                response,
            },
        );
        if previous.is_some() {
            return Err(anyhow::anyhow!("two builders send {method} {path}"));
        }
    }
    Ok(builders)
}

/// Token text of a type (`:: std :: string :: String`), for comparisons.
pub fn type_text(ty: &Type) -> String {
    ty.to_token_stream().to_string()
}

fn functions(imp: &ItemImpl) -> impl Iterator<Item = &ImplItemFn> {
    imp.items.iter().filter_map(|item| match item {
        ImplItem::Fn(f) => Some(f),
        _ => None,
    })
}

/// `Client` in `impl Client`, `GetUser` in `impl<'a> GetUser<'a>`.
fn self_name(imp: &ItemImpl) -> Option<String> {
    match &*imp.self_ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `GetUser` in `fn get_user(&self) -> builder::GetUser<'_>`.
fn returned_builder(f: &ImplItemFn) -> Option<String> {
    let ReturnType::Type(_, ty) = &f.sig.output else {
        return None;
    };
    let Type::Path(path) = &**ty else { return None };
    let segments: Vec<_> = path.path.segments.iter().collect();
    match segments.as_slice() {
        [module, builder] if module.ident == "builder" => Some(builder.ident.to_string()),
        _ => None,
    }
}

/// `("GET", "/v1/users/{id}")` from the doc "Sends a `GET` request to `/v1/users/{id}`".
fn sends_to(f: &ImplItemFn) -> Option<(String, String)> {
    f.attrs.iter().find_map(|attr| {
        let syn::Meta::NameValue(nv) = &attr.meta else {
            return None;
        };
        if !nv.path.is_ident("doc") {
            return None;
        }
        let Expr::Lit(lit) = &nv.value else {
            return None;
        };
        let Lit::Str(text) = &lit.lit else {
            return None;
        };
        parse_sends_to(&text.value())
    })
}

pub(super) fn parse_sends_to(doc: &str) -> Option<(String, String)> {
    let rest = &doc[doc.find("Sends a `")? + "Sends a `".len()..];
    let (method, rest) = rest.split_once('`')?;
    let rest = rest.strip_prefix(" request to `")?;
    let (path, _) = rest.split_once('`')?;
    Some((method.to_string(), path.to_string()))
}

/// `T` of `Result<ResponseValue<T>, Error<..>>`.
fn response_of(f: &ImplItemFn) -> Option<Response> {
    let ReturnType::Type(_, ty) = &f.sig.output else {
        return None;
    };
    let result = last_segment_args(ty, "Result")?;
    let value = result.first()?;
    let inner = last_segment_args(value, "ResponseValue")?;
    let inner = *inner.first()?;
    Some(match inner {
        Type::Tuple(tuple) if tuple.elems.is_empty() => Response::Empty,
        Type::Path(path) if path.path.is_ident("ByteStream") => Response::Bytes,
        other => Response::Json(Box::new(other.clone())),
    })
}

/// The type arguments of `Name<A, B>` when `ty`'s last segment is `name`.
fn last_segment_args<'t>(ty: &'t Type, name: &str) -> Option<Vec<&'t Type>> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
    )
}

/// `T` of a setter `fn x<V>(mut self, value: V) -> Self where V: TryInto<T>`
/// (bound in the where clause or inline); `None` for anything else.
fn setter_type(f: &ImplItemFn) -> Option<Type> {
    if f.sig.ident == "send" || f.sig.ident == "new" || f.sig.inputs.len() != 2 {
        return None;
    }
    let generics = &f.sig.generics;
    let param = match generics.type_params().collect::<Vec<_>>().as_slice() {
        [param] => *param,
        _ => return None,
    };
    let inline = param.bounds.iter();
    let from_where = generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
        .filter_map(|p| match p {
            WherePredicate::Type(t) if is_ident(&t.bounded_ty, &param.ident) => {
                Some(t.bounds.iter())
            }
            _ => None,
        })
        .flatten();
    inline.chain(from_where).find_map(|bound| {
        let TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let last = bound.path.segments.last()?;
        if last.ident != "TryInto" {
            return None;
        }
        let PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
    })
}

fn is_ident(ty: &Type, ident: &syn::Ident) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident(ident))
}

/// The `operation_id` literal of `OperationInfo { operation_id: "..." }` in
/// `send()`.
fn operation_id(f: &ImplItemFn) -> Option<String> {
    use syn::{Member, Stmt};
    f.block.stmts.iter().find_map(|stmt| {
        let Stmt::Local(local) = stmt else {
            return None;
        };
        let Expr::Struct(init) = &*local.init.as_ref()?.expr else {
            return None;
        };
        init.fields
            .iter()
            .find_map(|field| match (&field.member, &field.expr) {
                (Member::Named(name), Expr::Lit(lit)) if name == "operation_id" => match &lit.lit {
                    Lit::Str(s) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trimmed copy of what progenitor generates (builder interface),
    /// with a feature gate as the per-tag features add.
    const FIXTURE: &str = r#"
        pub struct Client { baseurl: String }
        impl Client {
            #[cfg(feature = "users")]
            pub fn get_user(&self) -> builder::GetUser<'_> { builder::GetUser::new(self) }
            pub fn upload_file(&self) -> builder::UploadFile<'_> { builder::UploadFile::new(self) }
            pub fn r#type(&self) -> builder::Type<'_> { builder::Type::new(self) }
            pub fn baseurl(&self) -> &String { &self.baseurl }
        }
        pub mod types {
            pub mod builder { pub struct UserModel; }
        }
        pub mod builder {
            use super::types;
            #[cfg(feature = "users")]
            pub struct GetUser<'a> { client: &'a super::Client }
            #[cfg(feature = "users")]
            impl<'a> GetUser<'a> {
                pub fn new(client: &'a super::Client) -> Self { Self { client } }
                pub fn id<V>(mut self, value: V) -> Self
                where
                    V: std::convert::TryInto<::std::string::String>,
                { self }
                pub fn type_<V: std::convert::TryInto<types::Kind>>(mut self, value: V) -> Self { self }
                pub fn body<V>(mut self, value: V) -> Self
                where
                    V: std::convert::TryInto<types::UpdateUserDefinition>,
                    <V as std::convert::TryInto<types::UpdateUserDefinition>>::Error: std::fmt::Display,
                { self }
                pub fn body_map<F>(mut self, f: F) -> Self
                where
                    F: std::ops::FnOnce(types::builder::UserModel) -> types::builder::UserModel,
                { self }
                ///Sends a `GET` request to `/v1/users/{id}`
                pub async fn send(self) -> Result<ResponseValue<types::UserModel>, Error<ByteStream>> {
                    let info = OperationInfo { operation_id: "get_user" };
                    todo!()
                }
            }
            impl<'a> UploadFile<'a> {
                pub fn limit<V>(mut self, value: V) -> Self
                where
                    V: std::convert::TryInto<::std::num::NonZeroU32>,
                { self }
                pub fn body<B>(mut self, value: B) -> Self
                where
                    B: std::convert::TryInto<reqwest::Body>,
                { self }
                ///Sends a `POST` request to `/v1/lookupTables/{id}/upload`
                pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<ByteStream>> {
                    let info = OperationInfo { operation_id: "upload_file" };
                    todo!()
                }
            }
            impl<'a> Type<'a> {
                ///Sends a `DELETE` request to `/v1/types`
                pub async fn send(self) -> Result<ResponseValue<()>, Error<ByteStream>> {
                    let info = OperationInfo { operation_id: "type" };
                    todo!()
                }
            }
        }
    "#;

    #[test]
    fn reads_methods_setters_and_responses() {
        let builders = read_builders(FIXTURE).expect("fixture reads");
        assert_eq!(builders.len(), 3);

        let get = &builders[&("GET".to_string(), "/v1/users/{id}".to_string())];
        assert_eq!(get.method, "get_user");
        let setters: Vec<(String, String)> = get
            .setters
            .iter()
            .map(|s| (s.plain_name(), type_text(&s.ty)))
            .collect();
        assert_eq!(
            setters,
            [
                ("id".to_string(), ":: std :: string :: String".to_string()),
                ("type".to_string(), "types :: Kind".to_string()),
                (
                    "body".to_string(),
                    "types :: UpdateUserDefinition".to_string()
                ),
            ]
        );
        assert!(matches!(&get.response, Response::Json(t) if type_text(t) == "types :: UserModel"));

        let upload = &builders[&(
            "POST".to_string(),
            "/v1/lookupTables/{id}/upload".to_string(),
        )];
        assert_eq!(upload.method, "upload_file");
        assert_eq!(
            type_text(&upload.setters[0].ty),
            ":: std :: num :: NonZeroU32"
        );
        assert!(!upload.setters[0].is_raw_body());
        assert!(upload.setters[1].is_raw_body());
        assert!(matches!(upload.response, Response::Bytes));

        let delete = &builders[&("DELETE".to_string(), "/v1/types".to_string())];
        assert_eq!(delete.method.to_string(), "r#type");
        assert!(delete.setters.is_empty());
        assert!(matches!(delete.response, Response::Empty));
    }

    #[test]
    fn reads_the_operation_id_literal() {
        let builders = read_builders(FIXTURE).unwrap();
        let get = &builders[&("GET".to_string(), "/v1/users/{id}".to_string())];
        assert_eq!(get.operation_id, "get_user");
        let upload = &builders[&(
            "POST".to_string(),
            "/v1/lookupTables/{id}/upload".to_string(),
        )];
        assert_eq!(upload.operation_id, "upload_file");
    }

    #[test]
    fn parses_the_send_doc() {
        assert_eq!(
            parse_sends_to("Sends a `PUT` request to `/v1/users/{id}/unlock`"),
            Some(("PUT".to_string(), "/v1/users/{id}/unlock".to_string()))
        );
        assert_eq!(parse_sends_to("Builder for [`Client::get_user`]"), None);
        assert_eq!(parse_sends_to("Sends a `GET` to `/x`"), None);
    }

    #[test]
    fn missing_builder_module_and_unmatched_builders_are_errors() {
        let error = |source: &str| match read_builders(source) {
            Ok(_) => panic!("expected an error for {source}"),
            Err(e) => format!("{e:#}"),
        };
        let err = error("pub struct Client;");
        assert!(err.contains("no `builder` module"), "{err}");
        let err = error(
            "pub mod builder { impl<'a> Orphan<'a> {
                ///Sends a `GET` request to `/x`
                pub async fn send(self) -> Result<ResponseValue<()>, Error<ByteStream>> { todo!() }
            } }",
        );
        assert!(
            err.contains("no `Client` method returns builder::Orphan"),
            "{err}"
        );
        assert!(error("fn (").contains("does not parse"));
    }
}
