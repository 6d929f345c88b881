//! The expression language of forms: constraint, relevance, calculation and indicators.
//!
//! Written by hand rather than taken from a crate because it must do three things no
//! general-purpose evaluator crate does together: resolve names against a form's schema
//! (repeat-group fields shadow top-level ones inside `sum`/`count`), check types before a
//! form is accepted (so `forms check` can say "type mismatch" with a line), and give
//! unanswered values one documented meaning. The grammar is small (see `docs/forms.md`):
//!
//! ```text
//! expr  := 'if' expr 'then' expr 'else' expr | or
//! or    := and ('or' and)*          and := not ('and' not)*
//! not   := 'not' not | cmp          cmp := add (('='|'!='|'<'|'<='|'>'|'>=') add)?
//! add   := mul (('+'|'-') mul)*     mul := unary (('*'|'/') unary)*
//! unary := '-' unary | atom
//! atom  := number | 'text' | true | false | null | '.' | name | name '(' args ')' | '(' expr ')'
//! ```
//!
//! Unanswered (null) rules: arithmetic and comparison with null give null; `and` is false
//! if any side is false, else null if any side is null; `or` is true if any side is true,
//! else null if any is null; `not null` is null; an `if` whose condition is null takes the
//! `else` branch; `sum` skips nulls and is 0 over no rows; `count` counts rows whose
//! condition is true; division by zero gives null. What a null result means depends on use:
//! a constraint that gives null passes, a relevance that gives null shows the field, an
//! indicator term that gives null counts as 0.

use super::Lang;
use super::value::Value;
use crate::i18n::form_checks as fc;
use std::fmt;

/// Static type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Bool,
    Number,
    Text,
    Date,
    Choices,
    /// `null`: fits anywhere.
    Any,
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ty::Bool => "yes/no",
            Ty::Number => "number",
            Ty::Text => "text",
            Ty::Date => "date",
            Ty::Choices => "choices",
            Ty::Any => "null",
        })
    }
}

/// What a name resolves to in a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// A field of the record (top level).
    Top(Ty),
    /// A field of the repeat-group row being evaluated.
    Row(Ty),
    /// A repeat group (usable only as the first argument of `sum` and `count`).
    Group,
}

/// The names an expression can see.
pub trait Schema {
    /// Resolve `name` as seen from inside `group` (None = top level).
    fn resolve(&self, group: Option<&str>, name: &str) -> Option<Resolved>;
    fn has_table(&self, name: &str) -> bool;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Unresolved,
    Top,
    Row,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Lit(Value),
    Current,
    Field(String, Scope),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

/// A parse or check error, with the byte offset in the expression text where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub kind: ExprErrorKind,
    /// In both languages (words from `i18n::form_checks`).
    pub message: super::Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExprErrorKind {
    Syntax,
    UnknownField,
    TypeMismatch,
    UnknownFunction,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message.en)
    }
}

impl std::error::Error for ExprError {}

/// An error of `kind`: `message` gives its text in each language.
fn err(kind: ExprErrorKind, message: impl Fn(Lang) -> String) -> ExprError {
    ExprError {
        kind,
        message: crate::i18n::both(message),
    }
}

// ---------------------------------------------------------------- lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String),
    Str(String),
    Ident(String),
    Dot,
    LParen,
    RParen,
    Comma,
    Op(&'static str),
}

fn lex(src: &str) -> Result<Vec<Tok>, ExprError> {
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            out.push(Tok::Num(chars[start..i].iter().collect()));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
            continue;
        }
        if c == '\'' || c == '"' {
            let quote = c;
            let start = i + 1;
            i += 1;
            while i < chars.len() && chars[i] != quote {
                i += 1;
            }
            if i >= chars.len() {
                return Err(err(ExprErrorKind::Syntax, fc::expr_unterminated_text));
            }
            out.push(Tok::Str(chars[start..i].iter().collect()));
            i += 1;
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let op2 = match two.as_str() {
            "<=" => Some("<="),
            ">=" => Some(">="),
            "!=" => Some("!="),
            "<>" => Some("!="),
            "==" => Some("="),
            _ => None,
        };
        if let Some(op) = op2 {
            out.push(Tok::Op(op));
            i += 2;
            continue;
        }
        let tok = match c {
            '.' => Tok::Dot,
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            ',' => Tok::Comma,
            '+' => Tok::Op("+"),
            '-' => Tok::Op("-"),
            '*' => Tok::Op("*"),
            '/' => Tok::Op("/"),
            '=' => Tok::Op("="),
            '<' => Tok::Op("<"),
            '>' => Tok::Op(">"),
            other => {
                return Err(err(ExprErrorKind::Syntax, |l| {
                    fc::expr_unexpected_char(l, other)
                }));
            }
        };
        out.push(tok);
        i += 1;
    }
    Ok(out)
}

// ---------------------------------------------------------------- parser

/// Longest expression text accepted, in bytes. The shipped forms' longest is about 140.
pub const MAX_EXPR_BYTES: usize = 4096;

/// Deepest nesting accepted: parentheses, operators, `not`, unary minus, function calls
/// and `if … then … else` each count one level. Checking, evaluating and dropping an
/// expression recurse once per level, so this bounds their stack use whatever a form file
/// or a bundle holds (the shipped forms nest about 8 deep).
pub const MAX_EXPR_DEPTH: usize = 64;

fn too_deep() -> ExprError {
    err(ExprErrorKind::Syntax, |l| {
        fc::expr_too_deep(l, MAX_EXPR_DEPTH)
    })
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    /// Current recursion depth of the descent.
    depth: usize,
}

impl Parser {
    /// Enter one level of recursion, refusing to go deeper than [`MAX_EXPR_DEPTH`].
    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, ExprError>,
    ) -> Result<T, ExprError> {
        if self.depth >= MAX_EXPR_DEPTH {
            return Err(too_deep());
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(s)) if s == kw)
    }
    fn expect_kw(&mut self, kw: &str) -> Result<(), ExprError> {
        if self.is_kw(kw) {
            self.pos += 1;
            Ok(())
        } else {
            Err(err(ExprErrorKind::Syntax, |l| fc::expr_expected(l, kw)))
        }
    }
    fn expr(&mut self) -> Result<Expr, ExprError> {
        self.nested(Self::expr_inner)
    }
    fn expr_inner(&mut self) -> Result<Expr, ExprError> {
        if self.is_kw("if") {
            self.pos += 1;
            let c = self.expr()?;
            self.expect_kw("then")?;
            let a = self.expr()?;
            self.expect_kw("else")?;
            let b = self.expr()?;
            return Ok(Expr::If(Box::new(c), Box::new(a), Box::new(b)));
        }
        self.or()
    }
    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut l = self.and()?;
        while self.is_kw("or") {
            self.pos += 1;
            let r = self.and()?;
            l = Expr::Bin(BinOp::Or, Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut l = self.not()?;
        while self.is_kw("and") {
            self.pos += 1;
            let r = self.not()?;
            l = Expr::Bin(BinOp::And, Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Expr, ExprError> {
        if self.is_kw("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.nested(Self::not)?)));
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Expr, ExprError> {
        let l = self.add()?;
        let op = match self.peek() {
            Some(Tok::Op("=")) => BinOp::Eq,
            Some(Tok::Op("!=")) => BinOp::Ne,
            Some(Tok::Op("<")) => BinOp::Lt,
            Some(Tok::Op("<=")) => BinOp::Le,
            Some(Tok::Op(">")) => BinOp::Gt,
            Some(Tok::Op(">=")) => BinOp::Ge,
            _ => return Ok(l),
        };
        self.pos += 1;
        let r = self.add()?;
        Ok(Expr::Bin(op, Box::new(l), Box::new(r)))
    }
    fn add(&mut self) -> Result<Expr, ExprError> {
        let mut l = self.mul()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op("+")) => BinOp::Add,
                Some(Tok::Op("-")) => BinOp::Sub,
                _ => return Ok(l),
            };
            self.pos += 1;
            let r = self.mul()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }
    fn mul(&mut self) -> Result<Expr, ExprError> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op("*")) => BinOp::Mul,
                Some(Tok::Op("/")) => BinOp::Div,
                _ => return Ok(l),
            };
            self.pos += 1;
            let r = self.unary()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }
    fn unary(&mut self) -> Result<Expr, ExprError> {
        if matches!(self.peek(), Some(Tok::Op("-"))) {
            self.pos += 1;
            return Ok(Expr::Neg(Box::new(self.nested(Self::unary)?)));
        }
        self.atom()
    }
    fn atom(&mut self) -> Result<Expr, ExprError> {
        match self.next() {
            Some(Tok::Num(n)) => {
                if n.contains('.') {
                    n.parse::<f64>()
                        .map(|d| Expr::Lit(Value::Dec(d)))
                        .map_err(|_| err(ExprErrorKind::Syntax, |l| fc::expr_bad_number(l, &n)))
                } else {
                    n.parse::<i64>()
                        .map(|i| Expr::Lit(Value::Int(i)))
                        .map_err(|_| err(ExprErrorKind::Syntax, |l| fc::expr_bad_number(l, &n)))
                }
            }
            Some(Tok::Str(s)) => Ok(Expr::Lit(Value::Text(s))),
            Some(Tok::Dot) => Ok(Expr::Current),
            Some(Tok::LParen) => {
                let e = self.expr()?;
                match self.next() {
                    Some(Tok::RParen) => Ok(e),
                    _ => Err(err(ExprErrorKind::Syntax, fc::expr_missing_paren)),
                }
            }
            Some(Tok::Ident(name)) => match name.as_str() {
                "true" => Ok(Expr::Lit(Value::Bool(true))),
                "false" => Ok(Expr::Lit(Value::Bool(false))),
                "null" => Ok(Expr::Lit(Value::Null)),
                "if" => {
                    self.pos -= 1;
                    self.expr()
                }
                "and" | "or" | "not" | "then" | "else" => Err(err(ExprErrorKind::Syntax, |l| {
                    fc::expr_unexpected_keyword(l, &name)
                })),
                _ => {
                    if matches!(self.peek(), Some(Tok::LParen)) {
                        self.pos += 1;
                        let mut args = Vec::new();
                        if !matches!(self.peek(), Some(Tok::RParen)) {
                            loop {
                                args.push(self.expr()?);
                                match self.next() {
                                    Some(Tok::Comma) => continue,
                                    Some(Tok::RParen) => break,
                                    _ => {
                                        return Err(err(ExprErrorKind::Syntax, |l| {
                                            fc::expr_expected_comma(l, &name)
                                        }));
                                    }
                                }
                            }
                        } else {
                            self.pos += 1;
                        }
                        Ok(Expr::Call(name, args))
                    } else {
                        Ok(Expr::Field(name, Scope::Unresolved))
                    }
                }
            },
            Some(t) => Err(err(ExprErrorKind::Syntax, |l| {
                fc::expr_unexpected(l, &format!("{t:?}"))
            })),
            None => Err(err(ExprErrorKind::Syntax, fc::expr_unexpected_end)),
        }
    }
}

/// Parse expression text. Refuses text longer than [`MAX_EXPR_BYTES`] and expressions
/// nested deeper than [`MAX_EXPR_DEPTH`] (a chain `a + b + c` nests one level per
/// operator), so that nothing done with an accepted expression can exhaust the stack.
pub fn parse(src: &str) -> Result<Expr, ExprError> {
    if src.len() > MAX_EXPR_BYTES {
        return Err(err(ExprErrorKind::Syntax, |l| {
            fc::expr_too_long(l, src.len(), MAX_EXPR_BYTES)
        }));
    }
    let toks = lex(src)?;
    if toks.is_empty() {
        return Err(err(ExprErrorKind::Syntax, fc::expr_empty));
    }
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let e = p.expr()?;
    if p.pos < p.toks.len() {
        return Err(err(ExprErrorKind::Syntax, |l| {
            fc::expr_trailing(l, &format!("{:?}", p.toks[p.pos]))
        }));
    }
    if depth(&e) > MAX_EXPR_DEPTH {
        return Err(too_deep());
    }
    Ok(e)
}

/// Depth of an expression tree, measured without recursion (the tree may be a long
/// left-leaning chain built by the parser's loops).
fn depth(e: &Expr) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(e, 1usize)];
    while let Some((e, d)) = stack.pop() {
        deepest = deepest.max(d);
        match e {
            Expr::Lit(_) | Expr::Current | Expr::Field(..) => {}
            Expr::Neg(x) | Expr::Not(x) => stack.push((x, d + 1)),
            Expr::Bin(_, l, r) => {
                stack.push((l, d + 1));
                stack.push((r, d + 1));
            }
            Expr::If(c, a, b) => {
                stack.push((c, d + 1));
                stack.push((a, d + 1));
                stack.push((b, d + 1));
            }
            Expr::Call(_, args) => stack.extend(args.iter().map(|a| (a, d + 1))),
        }
    }
    deepest
}

// ---------------------------------------------------------------- type check

/// Where an expression is checked: which group's row it runs in, and the type of `.`.
#[derive(Clone, Copy)]
pub struct CheckCtx<'a> {
    pub group: Option<&'a str>,
    pub current: Option<Ty>,
}

fn mismatch(message: impl Fn(Lang) -> String) -> ExprError {
    err(ExprErrorKind::TypeMismatch, message)
}

fn want(ty: Ty, expected: Ty, what: &str) -> Result<(), ExprError> {
    if ty == expected || ty == Ty::Any {
        Ok(())
    } else {
        Err(mismatch(|l| {
            fc::expr_needs(l, &fc::operand(l, what), fc::ty(l, expected), fc::ty(l, ty))
        }))
    }
}

/// Check names and types, resolving each field reference's scope. Returns the type.
pub fn check(expr: &mut Expr, schema: &dyn Schema, ctx: CheckCtx<'_>) -> Result<Ty, ExprError> {
    match expr {
        Expr::Lit(v) => Ok(match v {
            Value::Null => Ty::Any,
            Value::Bool(_) => Ty::Bool,
            Value::Int(_) | Value::Dec(_) => Ty::Number,
            Value::Text(_) => Ty::Text,
            Value::Choices(_) => Ty::Choices,
        }),
        Expr::Current => ctx
            .current
            .ok_or_else(|| err(ExprErrorKind::UnknownField, fc::expr_no_current)),
        Expr::Field(name, scope) => match schema.resolve(ctx.group, name) {
            Some(Resolved::Top(t)) => {
                *scope = Scope::Top;
                Ok(t)
            }
            Some(Resolved::Row(t)) => {
                *scope = Scope::Row;
                Ok(t)
            }
            Some(Resolved::Group) => Err(mismatch(|l| fc::expr_group_as_value(l, name))),
            None => Err(err(ExprErrorKind::UnknownField, |l| {
                fc::expr_unknown_field(l, name)
            })),
        },
        Expr::Neg(e) => {
            let t = check(e, schema, ctx)?;
            want(t, Ty::Number, "'-'")?;
            Ok(Ty::Number)
        }
        Expr::Not(e) => {
            let t = check(e, schema, ctx)?;
            want(t, Ty::Bool, "'not'")?;
            Ok(Ty::Bool)
        }
        Expr::Bin(op, l, r) => {
            let lt = check(l, schema, ctx)?;
            let rt = check(r, schema, ctx)?;
            match op {
                BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                    want(lt, Ty::Number, "arithmetic")?;
                    want(rt, Ty::Number, "arithmetic")?;
                    Ok(Ty::Number)
                }
                BinOp::And | BinOp::Or => {
                    want(lt, Ty::Bool, "'and'/'or'")?;
                    want(rt, Ty::Bool, "'and'/'or'")?;
                    Ok(Ty::Bool)
                }
                _ => {
                    let date_text = matches!((lt, rt), (Ty::Date, Ty::Text) | (Ty::Text, Ty::Date));
                    if lt != rt && lt != Ty::Any && rt != Ty::Any && !date_text {
                        return Err(mismatch(|l| {
                            fc::expr_cannot_compare(l, fc::ty(l, lt), fc::ty(l, rt))
                        }));
                    }
                    if matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
                        && matches!(lt, Ty::Bool | Ty::Choices)
                    {
                        return Err(mismatch(|l| fc::expr_cannot_order(l, fc::ty(l, lt))));
                    }
                    Ok(Ty::Bool)
                }
            }
        }
        Expr::If(c, a, b) => {
            let ct = check(c, schema, ctx)?;
            want(ct, Ty::Bool, "'if' condition")?;
            let at = check(a, schema, ctx)?;
            let bt = check(b, schema, ctx)?;
            if at == Ty::Any {
                Ok(bt)
            } else if bt == Ty::Any || at == bt {
                Ok(at)
            } else {
                Err(mismatch(|l| {
                    fc::expr_branches_differ(l, fc::ty(l, at), fc::ty(l, bt))
                }))
            }
        }
        Expr::Call(name, args) => check_call(name, args, schema, ctx),
    }
}

fn arity(name: &str, args: &[Expr], min: usize, max: usize) -> Result<(), ExprError> {
    if args.len() < min || args.len() > max {
        let got = args.len();
        return Err(err(ExprErrorKind::Syntax, |l| {
            let n = if min == max {
                min.to_string()
            } else {
                fc::expr_arity_range(l, min, max)
            };
            fc::expr_arity(l, name, &n, got)
        }));
    }
    Ok(())
}

fn check_call(
    name: &str,
    args: &mut [Expr],
    schema: &dyn Schema,
    ctx: CheckCtx<'_>,
) -> Result<Ty, ExprError> {
    match name {
        "sum" | "count" => {
            if name == "sum" {
                arity(name, args, 2, 3)?;
            } else {
                arity(name, args, 1, 2)?;
            }
            let group = match &args[0] {
                Expr::Field(g, _) if schema.resolve(ctx.group, g) == Some(Resolved::Group) => {
                    g.clone()
                }
                Expr::Field(g, _) => {
                    return Err(err(ExprErrorKind::UnknownField, |l| {
                        fc::expr_not_a_group(l, name, g)
                    }));
                }
                _ => {
                    return Err(mismatch(|l| fc::expr_needs_group(l, name)));
                }
            };
            let inner = CheckCtx {
                group: Some(&group),
                current: None,
            };
            let rest = &mut args[1..];
            if name == "sum" {
                let t = check(&mut rest[0], schema, inner)?;
                want(t, Ty::Number, "sum()")?;
                if let Some(cond) = rest.get_mut(1) {
                    let t = check(cond, schema, inner)?;
                    want(t, Ty::Bool, "sum() condition")?;
                }
            } else if let Some(cond) = rest.get_mut(0) {
                let t = check(cond, schema, inner)?;
                want(t, Ty::Bool, "count() condition")?;
            }
            Ok(Ty::Number)
        }
        "answered" | "empty" => {
            arity(name, args, 1, 1)?;
            check(&mut args[0], schema, ctx)?;
            Ok(Ty::Bool)
        }
        "coalesce" | "min" | "max" => {
            arity(name, args, 2, 2)?;
            let a = check(&mut args[0], schema, ctx)?;
            let b = check(&mut args[1], schema, ctx)?;
            if name != "coalesce" {
                want(a, Ty::Number, &format!("{name}()"))?;
                want(b, Ty::Number, &format!("{name}()"))?;
            }
            if a != b && a != Ty::Any && b != Ty::Any {
                return Err(mismatch(|l| {
                    fc::expr_mixes(l, name, fc::ty(l, a), fc::ty(l, b))
                }));
            }
            Ok(if a == Ty::Any { b } else { a })
        }
        "selected" => {
            arity(name, args, 2, 2)?;
            let a = check(&mut args[0], schema, ctx)?;
            if !matches!(a, Ty::Choices | Ty::Text | Ty::Any) {
                return Err(mismatch(|l| {
                    fc::expr_selected_needs_choice(l, fc::ty(l, a))
                }));
            }
            let b = check(&mut args[1], schema, ctx)?;
            want(b, Ty::Text, "selected() choice name")?;
            Ok(Ty::Bool)
        }
        "table" => {
            arity(name, args, 2, 2)?;
            match &args[0] {
                Expr::Lit(Value::Text(t)) if schema.has_table(t) => {}
                Expr::Lit(Value::Text(t)) => {
                    return Err(err(ExprErrorKind::UnknownField, |l| {
                        fc::expr_no_table(l, t)
                    }));
                }
                _ => {
                    return Err(mismatch(fc::expr_table_needs_name));
                }
            }
            let k = check(&mut args[1], schema, ctx)?;
            want(k, Ty::Text, "table() key")?;
            Ok(Ty::Number)
        }
        _ => Err(err(ExprErrorKind::UnknownFunction, |l| {
            fc::expr_unknown_function(l, name)
        })),
    }
}

/// Every field an expression reads: (group the name was read inside, name).
/// Used for calculation ordering and cycle detection.
pub fn references(expr: &Expr, out: &mut Vec<(Option<String>, String)>) {
    fn walk(e: &Expr, group: Option<&str>, out: &mut Vec<(Option<String>, String)>) {
        match e {
            Expr::Lit(_) | Expr::Current => {}
            Expr::Field(n, scope) => {
                let g = if *scope == Scope::Top { None } else { group };
                out.push((g.map(str::to_string), n.clone()));
            }
            Expr::Neg(a) | Expr::Not(a) => walk(a, group, out),
            Expr::Bin(_, a, b) => {
                walk(a, group, out);
                walk(b, group, out);
            }
            Expr::If(a, b, c) => {
                walk(a, group, out);
                walk(b, group, out);
                walk(c, group, out);
            }
            Expr::Call(name, args) if (name == "sum" || name == "count") && !args.is_empty() => {
                if let Expr::Field(g, _) = &args[0] {
                    out.push((None, g.clone()));
                    for a in &args[1..] {
                        walk(a, Some(g), out);
                    }
                }
            }
            Expr::Call(_, args) => args.iter().for_each(|a| walk(a, group, out)),
        }
    }
    walk(expr, None, out);
}

// ---------------------------------------------------------------- evaluation

/// The data an expression reads.
pub trait Data {
    /// A top-level field's value.
    fn top(&self, name: &str) -> Value;
    /// Number of rows of a repeat group.
    fn row_count(&self, group: &str) -> usize;
    /// A field of row `row` of `group`.
    fn row_field(&self, group: &str, row: usize, name: &str) -> Value;
    /// `table(name, key)`.
    fn table(&self, table: &str, key: &str) -> Value;
}

/// Evaluation position: the current value and, inside a group, which row.
#[derive(Clone, Copy)]
pub struct EvalCtx<'a> {
    pub current: &'a Value,
    pub row: Option<(&'a str, usize)>,
}

fn num(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::Int(v as i64)
    } else {
        Value::Dec(v)
    }
}

fn answered(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Text(t) => !t.trim().is_empty(),
        Value::Choices(c) => !c.is_empty(),
        _ => true,
    }
}

fn truth(v: &Value) -> Option<bool> {
    v.as_bool()
}

/// Evaluate a checked expression.
pub fn eval(expr: &Expr, data: &dyn Data, ctx: EvalCtx<'_>) -> Value {
    match expr {
        Expr::Lit(v) => v.clone(),
        Expr::Current => ctx.current.clone(),
        Expr::Field(name, scope) => match (scope, ctx.row) {
            (Scope::Row, Some((g, i))) => data.row_field(g, i, name),
            _ => data.top(name),
        },
        Expr::Neg(e) => match eval(e, data, ctx).as_f64() {
            Some(x) => num(-x),
            None => Value::Null,
        },
        Expr::Not(e) => match truth(&eval(e, data, ctx)) {
            Some(b) => Value::Bool(!b),
            None => Value::Null,
        },
        Expr::Bin(BinOp::And, l, r) => {
            let a = truth(&eval(l, data, ctx));
            if a == Some(false) {
                return Value::Bool(false);
            }
            let b = truth(&eval(r, data, ctx));
            match (a, b) {
                (_, Some(false)) => Value::Bool(false),
                (Some(true), Some(true)) => Value::Bool(true),
                _ => Value::Null,
            }
        }
        Expr::Bin(BinOp::Or, l, r) => {
            let a = truth(&eval(l, data, ctx));
            if a == Some(true) {
                return Value::Bool(true);
            }
            let b = truth(&eval(r, data, ctx));
            match (a, b) {
                (_, Some(true)) => Value::Bool(true),
                (Some(false), Some(false)) => Value::Bool(false),
                _ => Value::Null,
            }
        }
        Expr::Bin(op, l, r) => {
            let a = eval(l, data, ctx);
            let b = eval(r, data, ctx);
            binary(*op, &a, &b)
        }
        Expr::If(c, a, b) => {
            if truth(&eval(c, data, ctx)) == Some(true) {
                eval(a, data, ctx)
            } else {
                eval(b, data, ctx)
            }
        }
        Expr::Call(name, args) => call(name, args, data, ctx),
    }
}

fn binary(op: BinOp, a: &Value, b: &Value) -> Value {
    if a.is_null() || b.is_null() {
        return Value::Null;
    }
    match op {
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
            let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
                return Value::Null;
            };
            match op {
                BinOp::Add => num(x + y),
                BinOp::Sub => num(x - y),
                BinOp::Mul => num(x * y),
                _ if y == 0.0 => Value::Null,
                _ => Value::Dec(x / y),
            }
        }
        _ => {
            let ord = match (a, b) {
                (Value::Int(_) | Value::Dec(_), Value::Int(_) | Value::Dec(_)) => {
                    let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
                    x.partial_cmp(&y)
                }
                (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
                (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
                (Value::Choices(x), Value::Choices(y)) => Some(x.cmp(y)),
                _ => None,
            };
            let Some(ord) = ord else {
                return Value::Null;
            };
            use std::cmp::Ordering::*;
            Value::Bool(match op {
                BinOp::Eq => ord == Equal,
                BinOp::Ne => ord != Equal,
                BinOp::Lt => ord == Less,
                BinOp::Le => ord != Greater,
                BinOp::Gt => ord == Greater,
                _ => ord != Less,
            })
        }
    }
}

fn call(name: &str, args: &[Expr], data: &dyn Data, ctx: EvalCtx<'_>) -> Value {
    match name {
        "sum" | "count" => {
            let Some(Expr::Field(group, _)) = args.first() else {
                return Value::Null;
            };
            let n = data.row_count(group);
            let mut total = 0.0;
            for i in 0..n {
                let inner = EvalCtx {
                    current: &Value::Null,
                    row: Some((group, i)),
                };
                let cond = if name == "sum" {
                    args.get(2)
                } else {
                    args.get(1)
                };
                if let Some(c) = cond
                    && truth(&eval(c, data, inner)) != Some(true)
                {
                    continue;
                }
                if name == "sum" {
                    if let Some(x) = args.get(1).and_then(|e| eval(e, data, inner).as_f64()) {
                        total += x;
                    }
                } else {
                    total += 1.0;
                }
            }
            num(total)
        }
        "answered" => Value::Bool(answered(&eval(&args[0], data, ctx))),
        "empty" => Value::Bool(!answered(&eval(&args[0], data, ctx))),
        "coalesce" => {
            let a = eval(&args[0], data, ctx);
            if answered(&a) {
                a
            } else {
                eval(&args[1], data, ctx)
            }
        }
        "min" | "max" => {
            let (a, b) = (eval(&args[0], data, ctx), eval(&args[1], data, ctx));
            match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => num(if name == "min" { x.min(y) } else { x.max(y) }),
                _ => Value::Null,
            }
        }
        "selected" => {
            let v = eval(&args[0], data, ctx);
            let c = eval(&args[1], data, ctx);
            match (&v, c.as_text()) {
                (Value::Choices(list), Some(c)) => Value::Bool(list.iter().any(|x| x == c)),
                (Value::Text(t), Some(c)) => Value::Bool(t == c),
                (Value::Null, _) => Value::Null,
                _ => Value::Bool(false),
            }
        }
        "table" => {
            let (Some(Expr::Lit(Value::Text(t))), Some(k)) = (args.first(), args.get(1)) else {
                return Value::Null;
            };
            match eval(k, data, ctx) {
                Value::Text(key) => data.table(t, &key),
                _ => Value::Null,
            }
        }
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    struct S;
    impl Schema for S {
        fn resolve(&self, group: Option<&str>, name: &str) -> Option<Resolved> {
            if group == Some("farms") {
                match name {
                    "head" | "produced" => return Some(Resolved::Row(Ty::Number)),
                    "matched" => return Some(Resolved::Row(Ty::Bool)),
                    "species" => return Some(Resolved::Row(Ty::Text)),
                    _ => {}
                }
            }
            match name {
                "households" | "harmless" => Some(Resolved::Top(Ty::Number)),
                "ok" => Some(Resolved::Top(Ty::Bool)),
                "mode" => Some(Resolved::Top(Ty::Text)),
                "farms" => Some(Resolved::Group),
                _ => None,
            }
        }
        fn has_table(&self, name: &str) -> bool {
            name == "scale"
        }
    }

    #[derive(Default)]
    struct D {
        top: BTreeMap<String, Value>,
        rows: Vec<BTreeMap<String, Value>>,
    }
    impl Data for D {
        fn top(&self, name: &str) -> Value {
            self.top.get(name).cloned().unwrap_or_default()
        }
        fn row_count(&self, _: &str) -> usize {
            self.rows.len()
        }
        fn row_field(&self, _: &str, row: usize, name: &str) -> Value {
            self.rows[row].get(name).cloned().unwrap_or_default()
        }
        fn table(&self, _: &str, key: &str) -> Value {
            if key == "pig" {
                Value::Int(500)
            } else {
                Value::Null
            }
        }
    }

    fn run(src: &str, d: &D) -> Value {
        let mut e = parse(src).unwrap();
        check(
            &mut e,
            &S,
            CheckCtx {
                group: None,
                current: Some(Ty::Number),
            },
        )
        .unwrap();
        eval(
            &e,
            d,
            EvalCtx {
                current: &Value::Int(7),
                row: None,
            },
        )
    }

    fn check_err(src: &str) -> ExprErrorKind {
        let mut e = match parse(src) {
            Ok(e) => e,
            Err(e) => return e.kind,
        };
        check(
            &mut e,
            &S,
            CheckCtx {
                group: None,
                current: Some(Ty::Number),
            },
        )
        .unwrap_err()
        .kind
    }

    fn farm(head: i64, matched: bool, species: &str) -> BTreeMap<String, Value> {
        BTreeMap::from([
            ("head".to_string(), Value::Int(head)),
            ("produced".to_string(), Value::Dec(1.5)),
            ("matched".to_string(), Value::Bool(matched)),
            ("species".to_string(), Value::Text(species.into())),
        ])
    }

    #[test]
    fn arithmetic_and_precedence() {
        let d = D::default();
        assert_eq!(run("1 + 2 * 3", &d), Value::Int(7));
        assert_eq!(run("(1 + 2) * 3", &d), Value::Int(9));
        assert_eq!(run("-2 + 5", &d), Value::Int(3));
        assert_eq!(run("7 / 2", &d), Value::Dec(3.5));
        assert_eq!(run(". >= 0 and . <= 10", &d), Value::Bool(true));
        assert_eq!(run("1 / 0", &d), Value::Null);
    }

    #[test]
    fn null_rules() {
        let d = D::default();
        assert_eq!(run("households + 1", &d), Value::Null);
        assert_eq!(run("households > 1", &d), Value::Null);
        assert_eq!(run("ok and false", &d), Value::Bool(false));
        assert_eq!(run("ok and true", &d), Value::Null);
        assert_eq!(run("ok or true", &d), Value::Bool(true));
        assert_eq!(run("not ok", &d), Value::Null);
        assert_eq!(run("if ok then 1 else 2", &d), Value::Int(2));
        assert_eq!(run("answered(households)", &d), Value::Bool(false));
        assert_eq!(run("empty(mode)", &d), Value::Bool(true));
        assert_eq!(run("coalesce(households, 0)", &d), Value::Int(0));
        assert_eq!(run("sum(farms, head)", &d), Value::Int(0));
    }

    #[test]
    fn group_aggregates_with_conditions() {
        let d = D {
            top: BTreeMap::from([("households".into(), Value::Int(10))]),
            rows: vec![
                farm(600, true, "pig"),
                farm(100, false, "pig"),
                farm(500, false, "pig"),
            ],
        };
        assert_eq!(run("count(farms)", &d), Value::Int(3));
        assert_eq!(
            run("count(farms, head >= table('scale', species))", &d),
            Value::Int(2)
        );
        assert_eq!(run("count(farms, matched)", &d), Value::Int(1));
        assert_eq!(run("sum(farms, head, not matched)", &d), Value::Int(600));
        assert_eq!(run("sum(farms, produced)", &d), Value::Dec(4.5));
        // A top-level field inside a group expression still resolves to the record.
        assert_eq!(run("sum(farms, households)", &d), Value::Int(30));
    }

    #[test]
    fn check_errors_are_classified() {
        assert_eq!(check_err("housholds + 1"), ExprErrorKind::UnknownField);
        assert_eq!(check_err("mode + 1"), ExprErrorKind::TypeMismatch);
        assert_eq!(check_err("ok < true"), ExprErrorKind::TypeMismatch);
        assert_eq!(check_err("households = 'x'"), ExprErrorKind::TypeMismatch);
        assert_eq!(check_err("households and ok"), ExprErrorKind::TypeMismatch);
        assert_eq!(check_err("frob(1)"), ExprErrorKind::UnknownFunction);
        assert_eq!(check_err("1 +"), ExprErrorKind::Syntax);
        assert_eq!(check_err("sum(households, 1)"), ExprErrorKind::UnknownField);
        assert_eq!(check_err("head > 1"), ExprErrorKind::UnknownField);
        assert_eq!(check_err("farms + 1"), ExprErrorKind::TypeMismatch);
        assert_eq!(
            check_err("if ok then 1 else 'a'"),
            ExprErrorKind::TypeMismatch
        );
        assert_eq!(
            check_err("table('nope', mode)"),
            ExprErrorKind::UnknownField
        );
    }

    #[test]
    fn references_follow_groups() {
        let mut e = parse("sum(farms, produced, matched) + households").unwrap();
        check(
            &mut e,
            &S,
            CheckCtx {
                group: None,
                current: None,
            },
        )
        .unwrap();
        let mut refs = Vec::new();
        references(&e, &mut refs);
        assert!(refs.contains(&(None, "farms".into())));
        assert!(refs.contains(&(Some("farms".into()), "produced".into())));
        assert!(refs.contains(&(Some("farms".into()), "matched".into())));
        assert!(refs.contains(&(None, "households".into())));
    }

    /// Finding "Crash: the expression parser recurses without a depth limit": a form fact
    /// nested 4,500 parentheses deep aborted `import` with a stack overflow, and 1,500 deep
    /// crashed the TUI's import thread. Both are refused now, on a thread with the default
    /// 2 MiB stack of a worker thread; an expression right at the limit still parses,
    /// checks and evaluates there.
    #[test]
    fn expression_nested_thousands_deep_is_refused_without_crashing() {
        let worker = std::thread::Builder::new().stack_size(2 * 1024 * 1024);
        worker
            .spawn(|| {
                for n in [1_500, 4_500, 100_000] {
                    let deep = format!("{}1{}", "(".repeat(n), ")".repeat(n));
                    let e = parse(&deep).unwrap_err();
                    assert_eq!(e.kind, ExprErrorKind::Syntax);
                    assert!(
                        e.message.en.contains("nested more than 64")
                            || e.message.en.contains("bytes long"),
                        "{n}: {}",
                        e.message.en
                    );
                }
                for deep in [
                    format!("{}1", "not ".repeat(3_000)),
                    format!("{}1", "-".repeat(3_000)),
                    format!("1{}", " + 1".repeat(1_000)),
                    format!("{}1{}", "max(".repeat(1_000), ")".repeat(1_000)),
                    format!("{}1{}", "if true then ".repeat(300), " else 2".repeat(300)),
                ] {
                    assert!(parse(&deep).is_err(), "{}…", &deep[..20]);
                }
                // At the limit: accepted, and checking and evaluating it is safe.
                let at_limit = format!(
                    "{}households{}",
                    "(".repeat(MAX_EXPR_DEPTH - 1),
                    ")".repeat(MAX_EXPR_DEPTH - 1)
                );
                let mut e = parse(&at_limit).unwrap();
                let ctx = CheckCtx {
                    group: None,
                    current: None,
                };
                assert_eq!(check(&mut e, &S, ctx), Ok(Ty::Number));
                let mut d = D::default();
                d.top.insert("households".into(), Value::Int(7));
                assert_eq!(run(&at_limit, &d), Value::Int(7));
                let chain = format!("1{}", " + 1".repeat(MAX_EXPR_DEPTH - 1));
                assert_eq!(run(&chain, &d), Value::Int(MAX_EXPR_DEPTH as i64));
                let one_more = format!("1{}", " + 1".repeat(MAX_EXPR_DEPTH));
                assert!(parse(&one_more).is_err());
            })
            .unwrap()
            .join()
            .expect("the worker thread did not crash");
    }

    #[test]
    fn expression_longer_than_the_limit_is_refused() {
        let long = format!("households + '{}'", "x".repeat(MAX_EXPR_BYTES));
        let e = parse(&long).unwrap_err();
        assert!(e.message.en.contains("4096"), "{}", e.message.en);
    }
}
