//! The typed states as SQLite stores them: their words.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::report::{BatchState, FileState, Origin, Outcome, ReceiptKind, Verification, WatchFileState};

macro_rules! stored_as_words {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $t {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                <$t>::parse(text).ok_or_else(|| FromSqlError::Other(format!("unknown {} `{text}`", stringify!($t)).into()))
            }
        }
    )*};
}

stored_as_words!(BatchState, FileState, Origin, Outcome, ReceiptKind, Verification, WatchFileState);
