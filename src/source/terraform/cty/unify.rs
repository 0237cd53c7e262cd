//! Finding one type several values can all convert to, as cty's `convert.Unify` does
//! (used for conditionals, and for tuples and objects converted to collections).

use super::convert::{ConvError, Conversion, conversion};
use super::types::Type;
use super::value::Value;

/// How one of the unified types converts to the result.
#[derive(Debug, Clone)]
pub enum Step {
    Convert(Conversion),
    /// First one conversion, then the other (a tuple to a list, then to the final list).
    Chain(Box<Step>, Box<Step>),
    /// The result type is `Dynamic` because a type was: the value becomes unknown.
    ToDynamic,
}

impl Step {
    pub fn apply(&self, v: &Value) -> Result<Value, ConvError> {
        match self {
            Step::Convert(c) => c.apply(v, &mut Vec::new()),
            Step::Chain(a, b) => {
                let mid = a.apply(v)?;
                b.apply(&mid)
            }
            Step::ToDynamic => Ok(v.unknown_like(Type::Dynamic)),
        }
    }
}

pub type Unified = (Type, Vec<Option<Step>>);

/// cty's `unify`: the type all `types` can convert to, with each one's conversion
/// (`None` where the type is already the result). `None` when there is no such type.
pub fn unify(types: &[Type], unsafe_: bool) -> Option<Unified> {
    if types.is_empty() {
        return None;
    }
    let count = |f: fn(&Type) -> bool| types.iter().filter(|t| f(t)).count();
    let maps = count(Type::is_map);
    let lists = count(Type::is_list);
    let sets = count(Type::is_set);
    let objects = count(Type::is_object);
    let tuples = count(Type::is_tuple);
    let dynamics = count(Type::is_dynamic);
    let n = types.len();
    if maps > 0 && maps + dynamics == n {
        return unify_collections(types, unsafe_, dynamics > 0, Type::map);
    }
    if maps > 0 && maps + objects + dynamics == n {
        if let Some(u) = unify_objects_as_maps(types, unsafe_) {
            return Some(u);
        }
    } else if lists > 0 && lists + dynamics == n {
        return unify_collections(types, unsafe_, dynamics > 0, Type::list);
    } else if lists > 0 && lists + tuples + dynamics == n {
        if let Some(u) = unify_tuples_as_list(types, unsafe_) {
            return Some(u);
        }
    } else if sets > 0 && sets + dynamics == n {
        return unify_collections(types, unsafe_, dynamics > 0, Type::set);
    } else if objects > 0 && objects + dynamics == n {
        return unify_objects(types, unsafe_, dynamics > 0);
    } else if tuples > 0 && tuples + dynamics == n {
        return unify_tuples(types, unsafe_, dynamics > 0);
    } else if objects > 0 && tuples > 0 {
        return None;
    }
    'preferences: for want_idx in sort_types(types) {
        let want = &types[want_idx];
        let mut steps = Vec::with_capacity(n);
        for (i, t) in types.iter().enumerate() {
            if i == want_idx || t == want {
                steps.push(None);
                continue;
            }
            match conversion(t, want, unsafe_) {
                Some(c) => steps.push(Some(Step::Convert(c))),
                None => continue 'preferences,
            }
        }
        return Some((want.clone(), steps));
    }
    None
}

/// Conversions of every type to `target`, or `None` if one has none.
fn convert_all(types: &[Type], target: &Type, unsafe_: bool) -> Option<Vec<Option<Step>>> {
    types
        .iter()
        .map(|t| {
            if t == target {
                Some(None)
            } else {
                conversion(t, target, unsafe_).map(|c| Some(Step::Convert(c)))
            }
        })
        .collect()
}

fn all_as_dynamic(types: &[Type]) -> Unified {
    (
        Type::Dynamic,
        types.iter().map(|_| Some(Step::ToDynamic)).collect(),
    )
}

fn unify_collections(
    types: &[Type],
    unsafe_: bool,
    has_dynamic: bool,
    make: fn(Type) -> Type,
) -> Option<Unified> {
    if has_dynamic {
        return Some(all_as_dynamic(types));
    }
    let etys: Vec<Type> = types.iter().filter_map(|t| t.element().cloned()).collect();
    let (ety, _) = unify(&etys, unsafe_)?;
    let target = make(ety);
    let steps = convert_all(types, &target, unsafe_)?;
    Some((target, steps))
}

fn unify_objects(types: &[Type], unsafe_: bool, has_dynamic: bool) -> Option<Unified> {
    if has_dynamic {
        return Some(all_as_dynamic(types));
    }
    let first = types[0].attributes()?;
    for t in &types[1..] {
        let attrs = t.attributes()?;
        if attrs.len() != first.len() || attrs.keys().any(|k| !first.contains_key(k)) {
            return unify_objects_to_map(types, unsafe_);
        }
    }
    let mut result = std::collections::BTreeMap::new();
    for name in first.keys() {
        let across: Vec<Type> = types
            .iter()
            .map(|t| t.attributes().map_or(Type::Dynamic, |a| a[name].clone()))
            .collect();
        let (aty, _) = unify(&across, unsafe_)?;
        result.insert(name.clone(), aty);
    }
    let target = Type::object(result);
    match convert_all(types, &target, unsafe_) {
        Some(steps) => Some((target, steps)),
        None => unify_objects_to_map(types, unsafe_),
    }
}

fn unify_objects_to_map(types: &[Type], unsafe_: bool) -> Option<Unified> {
    let atys: Vec<Type> = types
        .iter()
        .flat_map(|t| {
            t.attributes()
                .map(|a| a.values().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
        .collect();
    let (ety, _) = unify(&atys, unsafe_)?;
    let target = Type::map(ety);
    let steps = convert_all(types, &target, unsafe_)?;
    Some((target, steps))
}

fn unify_tuples(types: &[Type], unsafe_: bool, has_dynamic: bool) -> Option<Unified> {
    if has_dynamic {
        return Some(all_as_dynamic(types));
    }
    let first = types[0].tuple_elements()?;
    if types[1..]
        .iter()
        .any(|t| t.tuple_elements().map(<[Type]>::len) != Some(first.len()))
    {
        return unify_tuples_to_list(types, unsafe_);
    }
    let mut etys = Vec::with_capacity(first.len());
    for i in 0..first.len() {
        let across: Vec<Type> = types
            .iter()
            .map(|t| t.tuple_elements().map_or(Type::Dynamic, |e| e[i].clone()))
            .collect();
        etys.push(unify(&across, unsafe_)?.0);
    }
    let target = Type::tuple(etys);
    match convert_all(types, &target, unsafe_) {
        Some(steps) => Some((target, steps)),
        None => unify_tuples_to_list(types, unsafe_),
    }
}

fn unify_tuples_to_list(types: &[Type], unsafe_: bool) -> Option<Unified> {
    let etys: Vec<Type> = types
        .iter()
        .flat_map(|t| t.tuple_elements().map(<[Type]>::to_vec).unwrap_or_default())
        .collect();
    let (ety, _) = unify(&etys, unsafe_)?;
    let target = Type::list(ety);
    let steps = convert_all(types, &target, unsafe_)?;
    Some((target, steps))
}

/// Tuples become a list first; then all the lists unify.
fn unify_tuples_as_list(types: &[Type], unsafe_: bool) -> Option<Unified> {
    let idxs: Vec<usize> = (0..types.len()).filter(|&i| types[i].is_tuple()).collect();
    let tuples: Vec<Type> = idxs.iter().map(|&i| types[i].clone()).collect();
    let (lty, tuple_steps) = unify_tuples_to_list(&tuples, unsafe_)?;
    let mut listed = types.to_vec();
    for &i in &idxs {
        listed[i] = lty.clone();
    }
    let (target, mut steps) = unify(&listed, unsafe_)?;
    if !target.is_list() {
        return None;
    }
    for (k, &i) in idxs.iter().enumerate() {
        let first = tuple_steps[k].clone();
        steps[i] = match (first, steps[i].take()) {
            (a, None) => a,
            (None, b) => b,
            (Some(a), Some(b)) => Some(Step::Chain(Box::new(a), Box::new(b))),
        };
    }
    Some((target, steps))
}

/// Objects become a map first; then all the maps unify.
fn unify_objects_as_maps(types: &[Type], unsafe_: bool) -> Option<Unified> {
    let idxs: Vec<usize> = (0..types.len()).filter(|&i| types[i].is_object()).collect();
    let objs: Vec<Type> = idxs.iter().map(|&i| types[i].clone()).collect();
    let (mty, obj_steps) = unify_objects_to_map(&objs, unsafe_)?;
    let mut mapped = types.to_vec();
    for &i in &idxs {
        mapped[i] = mty.clone();
    }
    let (target, mut steps) = unify(&mapped, unsafe_)?;
    if !target.is_map() {
        return None;
    }
    for (k, &i) in idxs.iter().enumerate() {
        let first = obj_steps[k].clone();
        steps[i] = match (first, steps[i].take()) {
            (a, None) => a,
            (None, b) => b,
            (Some(a), Some(b)) => Some(Step::Chain(Box::new(a), Box::new(b))),
        };
    }
    Some((target, steps))
}

/// The order in which types are tried as the unified type: a topological sort of
/// "converts to" (cty's `sortTypes` over `compareTypes`).
fn sort_types(types: &[Type]) -> Vec<usize> {
    let n = types.len();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n.saturating_sub(1) {
        for j in i + 1..n {
            match compare_types(&types[i], &types[j]) {
                c if c < 0 => edges[i].push(j),
                c if c > 0 => edges[j].push(i),
                _ => {}
            }
        }
    }
    let mut in_degree = vec![0usize; n];
    for outs in &edges {
        for &j in outs {
            in_degree[j] += 1;
        }
    }
    let mut result: Vec<usize> = (0..n).filter(|&i| in_degree[i] == 0).collect();
    let mut head = 0;
    while head < result.len() {
        let i = result[head];
        head += 1;
        for &j in &edges[i] {
            in_degree[j] -= 1;
            if in_degree[j] == 0 {
                result.push(j);
            }
        }
    }
    // cty returns a slice of length n whose unfilled tail (cycles) is zeros.
    result.resize(n, 0);
    result
}

/// cty's `compareTypes`: negative when `a` is the more general (others convert to it).
fn compare_types(a: &Type, b: &Type) -> i32 {
    if a.is_dynamic() || b.is_dynamic() {
        return match (a.is_dynamic(), b.is_dynamic()) {
            (false, true) => -1,
            (true, false) => 1,
            _ => 0,
        };
    }
    if a.is_primitive() && b.is_primitive() && (*a == Type::String || *b == Type::String) {
        return match (*a == Type::String, *b == Type::String) {
            (false, true) => 1,
            (true, false) => -1,
            _ => 0,
        };
    }
    match (a, b) {
        (Type::List(x), Type::List(y))
        | (Type::Set(x), Type::Set(y))
        | (Type::Map(x), Type::Map(y)) => {
            return compare_types(x, y);
        }
        _ => {}
    }
    let (mut a, mut b, mut swap) = (a, b, 1);
    if (a.is_tuple() && b.is_list())
        || (a.is_object() && b.is_map())
        || (a.is_set() && b.is_tuple())
        || (a.is_set() && b.is_list())
    {
        std::mem::swap(&mut a, &mut b);
        swap = -1;
    }
    if b.is_set() && (a.is_tuple() || a.is_list()) {
        return -swap;
    }
    if a.is_list() && b.is_tuple() {
        return -swap;
    }
    if a.is_map() && b.is_object() {
        return -swap;
    }
    let (has_a, has_b) = match (a, b) {
        (Type::Object(x), Type::Object(y)) => {
            if x.attrs.len() != y.attrs.len() {
                return 0;
            }
            let (mut ha, mut hb) = (false, false);
            for (k, t) in &x.attrs {
                let Some(u) = y.attrs.get(k) else { return 0 };
                match compare_types(t, u) {
                    c if c < 0 => ha = true,
                    c if c > 0 => hb = true,
                    _ => {}
                }
            }
            (ha, hb)
        }
        (Type::Tuple(x), Type::Tuple(y)) => {
            if x.len() != y.len() {
                return 0;
            }
            let (mut ha, mut hb) = (false, false);
            for (t, u) in x.iter().zip(y.iter()) {
                match compare_types(t, u) {
                    c if c < 0 => ha = true,
                    c if c > 0 => hb = true,
                    _ => {}
                }
            }
            (ha, hb)
        }
        _ => return 0,
    };
    match (has_a, has_b) {
        (true, false) => -swap,
        (false, true) => swap,
        _ => 0,
    }
}
